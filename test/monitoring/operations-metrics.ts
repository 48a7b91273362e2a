import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { Registry } from "prom-client";

import { readOperationsSnapshot, registerOperationsMetrics } from "../../api/operations/metrics.ts";
import { createDatabase } from "../../lib/db/client.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";

const TOKEN = 10n ** 18n;

/** `name{labels} value` lines of the exposition text, for one metric. */
function samples(text: string, name: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const line of text.split("\n")) {
    const match = new RegExp(`^${name}(\\{[^}]*\\})? (\\S+)$`).exec(line);
    if (match !== null) found.set(match[1] ?? "", Number(match[2]));
  }
  return found;
}

describe("scrape-time database metrics (hotpot_*)", () => {
  let db: TestDatabase;

  before(async () => {
    db = await createTestDatabase();
    const q = (sql: string, values: unknown[] = []) => db.pool.query(sql, values);
    // Three users; one approved, one approved but expired, one waiting 2 hours for a decision.
    const users: string[] = [];
    for (let i = 1; i <= 3; i++) {
      const { rows } = await q(
        "INSERT INTO app_user (address, custodial) VALUES ($1, false) RETURNING id::text AS id",
        [`0x${String(i).padStart(40, "0")}`],
      );
      users.push((rows[0] as { id: string }).id);
    }
    await q(
      `INSERT INTO kyc_case (user_id, status, level, provider, submitted_at, expires_at) VALUES
         ($1, 'approved', 1, 'manual', now() - interval '3 days', now() + interval '1 year'),
         ($2, 'approved', 1, 'manual', now() - interval '3 years', now() - interval '1 day'),
         ($3, 'in_review', 1, 'manual', now() - interval '2 hours', NULL),
         ($3, 'rejected', 1, 'manual', now() - interval '3 days', NULL)`,
      users,
    );
    await q(
      "INSERT INTO restaurant (id, name, location, metadata_cid, created_by) VALUES (1, 'Hot Pot', 'Tbilisi', 'cid', $1)",
      [users[0]],
    );
    // Orders: a card payment settled on chain, one paid 15 minutes ago and not settled, a token
    // order fulfilled, one placed.
    const order = (id: number, status: string, method: string | null, paidAgo: string | null) =>
      q(
        `INSERT INTO customer_order (chain_order_id, restaurant_id, customer_id, items, total_tetri, status, payment_method, paid_at)
         VALUES ($1, 1, $2, '[]', 2500, $3, $4, now() - $5::interval)`,
        [`0x${String(id).padStart(64, "0")}`, users[1], status, method, paidAgo],
      );
    await order(1, "paid", "card", "1 hour");
    await order(2, "paid", "card", "15 minutes");
    await order(3, "fulfilled", "token", "2 hours");
    await order(4, "placed", null, null);
    const chainOrder = (id: number, kind: string, status: string) =>
      q(
        `INSERT INTO "order" (order_id, block_from, kind, status, restaurant_id, customer, price, discount, points_redeemed,
                              paid, refunded_amount, reward, points_clawed_back, placed_block, placed_at, placed_tx)
         VALUES ($1, 5, $2, $3, 1, '0x', 2500, 0, 0, 2500, 0, 0, 0, 5, now(), '0x')`,
        [`0x${String(id).padStart(64, "0")}`, kind, status],
      );
    await chainOrder(1, "card", "settled");
    await chainOrder(3, "token", "fulfilled");
    // 12,345.5 tokens minted (the current row; an older version of the row is history), 100 redeemed.
    await q(
      `INSERT INTO token_supply (token, block_from, block_to, total_supply, total_minted, total_burned, holders) VALUES
         ('0xt', 1, 5, 0, 1, 0, 1), ('0xt', 5, NULL, 0, $1, 0, 1)`,
      [(12_345n * TOKEN + TOKEN / 2n).toString()],
    );
    await q(
      `INSERT INTO redemption (block_number, log_index, block_timestamp, tx_hash, account, amount, redeemer, reason)
       VALUES (6, 0, now(), '0x', '0x', $1, '0x', 'discount')`,
      [(100n * TOKEN).toString()],
    );
    // Streams: a closed 90-minute session and an open one last seen 30 minutes after it started.
    await q(
      "INSERT INTO kitchen_stream (restaurant_id, provider, status, last_seen_at) VALUES (1, 'local', 'live', now() - interval '1 hour')",
    );
    await q(
      `INSERT INTO stream_session (restaurant_id, provider, started_at, ended_at) VALUES
         (1, 'local', now() - interval '5 hours', now() - interval '210 minutes'),
         (1, 'local', now() - interval '90 minutes', NULL)`,
    );
    await q(
      `INSERT INTO outbox (kind, dedupe_key, payload, status, created_at) VALUES
         ('settle_card', 'a', '{}', 'pending', now() - interval '7 minutes'),
         ('settle_card', 'b', '{}', 'sent', now() - interval '2 minutes'),
         ('settle_card', 'c', '{}', 'done', now() - interval '1 day'),
         ('settle_card', 'd', '{}', 'failed', now() - interval '2 days')`,
    );
  });

  after(async () => {
    await db.drop();
  });

  it("test_snapshot_readsEveryFigureFromTheTables", async () => {
    const figures = await readOperationsSnapshot(db);
    assert.equal(figures.users, 3);
    assert.equal(figures.kycApprovedUsers, 1, "the expired approval does not count");
    assert.equal(figures.kycWaiting, 1);
    assert.ok(Math.abs(figures.kycOldestWaitingSeconds - 7200) < 60, String(figures.kycOldestWaitingSeconds));
    assert.deepEqual(Object.fromEntries(figures.ordersByStatus), { paid: 2, fulfilled: 1, placed: 1 });
    assert.equal(figures.tokensDistributed, 12_345.5);
    assert.equal(figures.tokensRedeemed, 100);
    assert.ok(Math.abs(figures.streamHours - 2) < 0.01, String(figures.streamHours));
    assert.equal(figures.outboxByStatus.get("pending"), 1);
    assert.ok(Math.abs(figures.outboxOldestPendingSeconds - 420) < 60, "pending and sent rows count, done ones not");
    assert.equal(figures.cardUnsettled, 1, "the settled card order and the token order do not count");
    assert.ok(Math.abs(figures.cardOldestUnsettledSeconds - 900) < 60, String(figures.cardOldestUnsettledSeconds));
  });

  it("test_gauges_exportTheSnapshotAtScrapeTime", async () => {
    const registry = new Registry();
    registerOperationsMetrics({ registry, db, maxAgeMs: 0 });
    // A second registration on the same registry (a second app) is a no-op, not a duplicate-name error.
    registerOperationsMetrics({ registry, db });
    const text = await registry.metrics();
    assert.equal(samples(text, "hotpot_database_up").get(""), 1);
    assert.equal(samples(text, "hotpot_users").get(""), 3);
    assert.equal(samples(text, "hotpot_kyc_approved_users").get(""), 1);
    assert.equal(samples(text, "hotpot_orders").get('{status="paid"}'), 2);
    assert.equal(samples(text, "hotpot_chain_orders").get('{kind="card",status="settled"}'), 1);
    assert.equal(samples(text, "hotpot_tokens_distributed").get(""), 12_345.5);
    assert.equal(samples(text, "hotpot_outbox_rows").get('{status="failed"}'), 1);
    assert.equal(samples(text, "hotpot_card_payments_unsettled").get(""), 1);
    assert.ok((samples(text, "hotpot_card_settlement_lag_seconds").get("") ?? 0) > 800);

    // New rows show at the next scrape.
    await db.pool.query("INSERT INTO app_user (address, custodial) VALUES ('0x' || repeat('9', 40), false)");
    assert.equal(samples(await registry.metrics(), "hotpot_users").get(""), 4);
  });

  it("test_gauges_reportTheDatabaseDownWithoutFailingTheScrape", async () => {
    // A database nobody listens on: the scrape still answers, with hotpot_database_up 0 and no figures
    // (NaN: unknown, not zero).
    const unreachable = createDatabase("postgresql://nobody@127.0.0.1:1/none");
    try {
      const registry = new Registry();
      registerOperationsMetrics({ registry, db: unreachable, timeoutMs: 1_000 });
      const text = await registry.metrics();
      assert.equal(samples(text, "hotpot_database_up").get(""), 0);
      assert.ok(Number.isNaN(samples(text, "hotpot_users").get("")), "users unknown");
      assert.equal(samples(text, "hotpot_outbox_rows").size, 0);
    } finally {
      await unreachable.close();
    }
  });
});
