import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { getAddress, type Hex } from "viem";

import { dedupeKey, dedupeKeySql, PAYLOAD_CODECS, type OutboxKindName, type OutboxPayloads } from "./index.ts";

const ID: Hex = `0x${"ab".repeat(32)}`;
const OTHER: Hex = `0x${"cd".repeat(32)}`;
// Mixed case on purpose: payloads store lower case, the relayer reads checksummed addresses.
const CUSTOMER = getAddress(`0x${"1a".repeat(20)}`);
const TOKEN = getAddress(`0x${"2b".repeat(20)}`);

const ORDER = {
  orderId: ID,
  restaurantId: 7n,
  customer: CUSTOMER,
  token: TOKEN,
  price: 2_500n,
  discount: 100n,
  pointsRedeemed: 10_000n,
  reclaimAfter: 1_800_000_000,
};

const SAMPLES: { readonly [K in OutboxKindName]: OutboxPayloads[K] } = {
  settle_card: {
    orderId: ID,
    restaurantId: 7n,
    customer: CUSTOMER,
    amount: 2_500n,
    paymentRef: OTHER,
    receiptDigest: ID,
  },
  record_card_refund: { orderId: ID, amount: 1_000n, refundRef: OTHER },
  fulfill_token: { order: ORDER, receiptDigest: OTHER },
  refund_token: { order: ORDER },
  register_franchise: { restaurantId: 12n, owner: CUSTOMER, feeBps: 500, metadataURI: "ipfs://bafy" },
  kyc_attest: { account: CUSTOMER, level: 2, expiresAt: 1_900_000_000n, evidenceHash: ID },
  kyc_revoke: { account: CUSTOMER, reasonHash: OTHER },
};

function roundTrip<K extends OutboxKindName>(kind: K): { json: unknown; back: OutboxPayloads[K] } {
  const codec = PAYLOAD_CODECS[kind];
  // Through text, as the row is stored.
  const json: unknown = JSON.parse(JSON.stringify(codec.encode(SAMPLES[kind])));
  return { json, back: codec.decode(json) };
}

describe("outbox payloads", () => {
  for (const kind of Object.keys(SAMPLES) as OutboxKindName[]) {
    it(`test_${kind}_readsBackWhatWasWritten`, () => {
      const { back } = roundTrip(kind);
      assert.deepEqual(back, SAMPLES[kind]);
    });
  }

  it("test_encode_writesDecimalStringsAndLowerCaseHex", () => {
    assert.deepEqual(roundTrip("settle_card").json, {
      orderId: ID,
      restaurantId: "7",
      customer: CUSTOMER.toLowerCase(),
      amount: "2500",
      paymentRef: OTHER,
      receiptDigest: ID,
    });
    const { json } = roundTrip("fulfill_token");
    assert.deepEqual((json as { order: Record<string, string> }).order.reclaimAfter, "1800000000");
    assert.equal((json as { order: Record<string, string> }).order.token, TOKEN.toLowerCase());
  });

  it("test_decode_refusesWhatDoesNotFit", () => {
    const json = PAYLOAD_CODECS.register_franchise.encode(SAMPLES.register_franchise) as Record<string, string>;
    assert.throws(() => PAYLOAD_CODECS.register_franchise.decode({ ...json, feeBps: "65536" }), /uint16/);
    assert.throws(() => PAYLOAD_CODECS.kyc_revoke.decode({ account: CUSTOMER }), /reasonHash is missing/);
  });
});

describe("outbox dedupe keys", () => {
  it("test_dedupeKey_spellsEachKindsEvent", () => {
    assert.equal(dedupeKey("settle_card", ID), `settle:${ID}`);
    assert.equal(dedupeKey("record_card_refund", "re_1"), "refund:re_1");
    assert.equal(dedupeKey("fulfill_token", ID), `fulfill:${ID}`);
    assert.equal(dedupeKey("refund_token", ID), `refund-token:${ID}`);
    assert.equal(dedupeKey("register_franchise", "12"), "franchise:12");
    assert.equal(dedupeKey("kyc_attest", "case"), "kyc-attest:case");
    assert.equal(dedupeKey("kyc_revoke", "case"), "kyc-revoke:case");
    assert.equal(dedupeKeySql("fulfill_token", "co.chain_order_id"), "('fulfill:' || co.chain_order_id)");
  });
});
