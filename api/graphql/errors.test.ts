import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { after, before, describe, it } from "node:test";

import { pino } from "pino";

import { startTestApi, type TestApi } from "../../test/support/harness.ts";
import { ADDRESS } from "../../test/support/seed.ts";

describe("GraphQL errors", () => {
  let api: TestApi;
  const logged: Record<string, unknown>[] = [];
  before(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logged.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    api = await startTestApi({ context: { logger: pino({ level: "warn" }, sink) } });
  });
  after(async () => {
    await api.stop();
  });

  it("rejects a malformed address with BAD_USER_INPUT", async () => {
    const response = await api.query(`{ account(address: "0x1234") { balance } }`);
    assert.equal(response.errors?.[0]?.extensions?.code, "BAD_USER_INPUT");
    assert.match(response.errors[0].message, /address must be an address: 0x followed by 40 hex digits/);
    assert.deepEqual(response.data, { account: null });
  });

  it("rejects a malformed order id, hash and BigInt", async () => {
    for (const query of [
      `{ order(orderId: "0xabc") { status } }`,
      `{ transaction(hash: "nothex") { hash } }`,
      `{ restaurant(id: "-1") { owner } }`,
      `{ restaurant(id: "${(2n ** 256n).toString()}") { owner } }`,
      `{ events(where: { account: "alice" }) { totalCount } }`,
    ]) {
      const response = await api.query(query);
      assert.equal(response.errors?.[0]?.extensions?.code, "BAD_USER_INPUT", query);
    }
  });

  it("rejects first: 1000", async () => {
    const response = await api.query(`{ orders(first: 1000) { totalCount } }`);
    assert.equal(response.errors?.[0]?.extensions?.code, "BAD_USER_INPUT");
    assert.match(response.errors[0].message, /first must be between 0 and 100/);
  });

  it("rejects an unknown orderBy before running anything", async () => {
    const response = await api.query(`{ orders(orderBy: tastiness) { totalCount } }`);
    assert.equal(response.status, 400);
    assert.equal(response.errors?.[0]?.extensions?.code, "GRAPHQL_VALIDATION_FAILED");
    assert.match(response.errors[0].message, /tastiness/);
  });

  it("rejects queries deeper than the limit", async () => {
    const response = await api.query(/* GraphQL */ `
      {
        account(address: "${ADDRESS.alice}") {
          orders {
            nodes {
              restaurant {
                orders {
                  nodes {
                    restaurant {
                      orders {
                        nodes {
                          restaurant {
                            ownerAccount {
                              address
                            }
                          }
                        }
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    `);
    assert.equal(response.data, undefined);
    assert.match(response.errors?.[0]?.message ?? "", /depth limit of 10 exceeded/);
  });

  it("rejects too many aliases", async () => {
    const aliases = Array.from({ length: 20 }, (_unused, index) => `m${index.toString()}: _meta { blockNumber }`);
    const response = await api.query(`{ ${aliases.join(" ")} }`);
    assert.equal(response.data, undefined);
    assert.match(response.errors?.[0]?.message ?? "", /aliases/i);
  });

  it("accepts a realistic app query within the cost limit", async () => {
    const response = await api.query(/* GraphQL */ `
      {
        _meta {
          blockNumber
        }
        account(address: "${ADDRESS.alice}") {
          balance
          kyc {
            verified(minLevel: 1)
          }
          orders(first: 10) {
            pageInfo {
              hasNextPage
              endCursor
            }
            edges {
              cursor
              node {
                orderId
                status
                paid
                reward
                placedAt
                receiptCid
                restaurant {
                  id
                  metadataUri
                }
                events(first: 5) {
                  nodes {
                    eventName
                    txHash
                    blockTimestamp
                  }
                }
              }
            }
          }
          transfers(first: 10) {
            nodes {
              from
              to
              value
            }
          }
        }
      }
    `);
    assert.equal(response.errors, undefined, JSON.stringify(response.errors));
  });

  it("masks unexpected errors, logs them and never leaks a stack", async () => {
    await api.db.close();
    const response = await api.query(`{ account(address: "${ADDRESS.alice}") { balance } }`);
    const text = JSON.stringify(response);
    assert.equal(response.errors?.[0]?.message, "Unexpected error.");
    assert.equal(response.errors[0].extensions?.code, "INTERNAL_SERVER_ERROR");
    assert.doesNotMatch(text, /stack|\bat \w|pool|prisma|\.ts:/i);
    assert.ok(
      logged.some((line) => line.msg === "GraphQL request failed unexpectedly" && line.level === 50),
      "the original error is logged",
    );
  });
});
