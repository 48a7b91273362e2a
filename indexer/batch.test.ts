import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { Batch } from "./batch.ts";
import { TOKEN_SUPPLY, type Row } from "./tables.ts";

const TOKEN = "0x00000000000000000000000000000000000000aa";

function supply(totalSupply: bigint, holders: number): Row {
  return { token: TOKEN, total_supply: totalSupply, total_minted: totalSupply, total_burned: 0n, holders };
}

/** The row as the database hands it back: int8/numeric as bigints, the version range set. */
function stored(row: Row, blockFrom: bigint): Row {
  return { ...row, block_from: blockFrom, block_to: null };
}

describe("Batch", () => {
  it("test_put_stateEqualToTheStoredOne_makesNoVersion", () => {
    const batch = new Batch();
    batch.seed(TOKEN_SUPPLY, [stored(supply(100n, 3), 5n)], [TOKEN]);
    // A transfer between two existing holders: supply and holder count as they were.
    batch.put(TOKEN_SUPPLY, TOKEN, 9n, supply(100n, 3));
    assert.deepEqual(batch.newVersions(TOKEN_SUPPLY), []);
    assert.deepEqual(batch.closures(TOKEN_SUPPLY), []);
    assert.deepEqual(batch.changedKeys(TOKEN_SUPPLY), []);
  });

  it("test_put_changedState_makesOneVersionPerBlockAndClosesTheStoredOne", () => {
    const batch = new Batch();
    batch.seed(TOKEN_SUPPLY, [stored(supply(100n, 3), 5n)], [TOKEN]);
    batch.put(TOKEN_SUPPLY, TOKEN, 9n, supply(100n, 4));
    batch.put(TOKEN_SUPPLY, TOKEN, 9n, supply(100n, 5));
    batch.put(TOKEN_SUPPLY, TOKEN, 10n, supply(100n, 5));
    batch.put(TOKEN_SUPPLY, TOKEN, 12n, supply(150n, 5));
    const versions = batch.newVersions(TOKEN_SUPPLY);
    assert.deepEqual(
      versions.map((row) => [row.block_from, row.block_to, row.holders, row.total_supply]),
      [
        [9n, 12n, 5, 100n],
        [12n, null, 5, 150n],
      ],
    );
    assert.deepEqual(batch.closures(TOKEN_SUPPLY), [[TOKEN, 9n]]);
  });

  it("test_inherit_takesTheLatestStateOfThePreviousBatchAndLeavesTheRestToTheDatabase", () => {
    const previous = new Batch();
    previous.seed(TOKEN_SUPPLY, [], [TOKEN]);
    previous.put(TOKEN_SUPPLY, TOKEN, 3n, supply(10n, 1));
    previous.put(TOKEN_SUPPLY, TOKEN, 4n, supply(20n, 2));

    const next = new Batch();
    const other = "0x00000000000000000000000000000000000000bb";
    assert.deepEqual(next.inherit(previous, TOKEN_SUPPLY, [TOKEN, other]), [other]);
    assert.equal(next.get(TOKEN_SUPPLY, TOKEN)?.total_supply, 20n);
    // The previous batch's newest version is the one this batch closes once both are written.
    next.put(TOKEN_SUPPLY, TOKEN, 7n, supply(30n, 2));
    assert.deepEqual(next.closures(TOKEN_SUPPLY), [[TOKEN, 7n]]);
    assert.equal(previous.newVersions(TOKEN_SUPPLY).at(-1)?.block_to, null);
  });
});
