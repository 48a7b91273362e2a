import assert from "node:assert/strict";
import { createCipheriv, createHash, randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { exporter } from "ipfs-unixfs-exporter";
import { CID } from "multiformats/cid";
import { receiptCid } from "./receipt-cid.ts";
import { LocalContentStore } from "./local.ts";
import { ContentIntegrityError, ContentStoreError, InvalidCidError } from "./storage.ts";
import { DAG_PB_CODE, KUBO_CID_V0, KUBO_CID_V1, RAW_CODE, importContent, type DagParameters } from "./unixfs.ts";

const CHUNK = 262_144;
const text = (value: string): Uint8Array => new TextEncoder().encode(value);

/**
 * Kubo's deterministic test data (test/cli/testutils/random_deterministic.go): the ChaCha20
 * keystream under key sha256(seed) with a zero nonce, i.e. ChaCha20 applied to zeros.
 */
function* kuboDeterministic(size: number, seed: string): Generator<Uint8Array> {
  const key = createHash("sha256").update(seed).digest();
  // OpenSSL's chacha20 IV is a 32-bit block counter followed by the 96-bit nonce: all zero here
  const cipher = createCipheriv("chacha20", key, Buffer.alloc(16));
  const zeros = Buffer.alloc(1 << 20);
  for (let left = size; left > 0; left -= zeros.length) {
    yield new Uint8Array(cipher.update(zeros.subarray(0, Math.min(left, zeros.length))));
  }
}

function collect(source: Iterable<Uint8Array>): Uint8Array {
  return Buffer.concat([...source]);
}

describe("Kubo-compatible CIDs (known answers from Kubo's own tests)", () => {
  // ipfs/kubo test/cli/add_test.go, shortStringCidV1: `ipfs add --cid-version 1` of "hello world"
  it('"hello world" → bafkreifzjut3…', async () => {
    const cid = await importContent(text("hello world"));
    assert.equal(cid.toString(), "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e");
  });

  // ipfs/kubo test/sharness/t0116-gateway-cache/README.md, FILE_CID: `echo "hello"` added with --cid-version 1
  it('"hello\\n" → bafkreicysg23…', async () => {
    const cid = await importContent(text("hello\n"));
    assert.equal(cid.toString(), "bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am");
  });

  // Kubo publishes no multi-chunk vector for exactly `--cid-version 1` with 256 KiB chunks. Its
  // tests pin the two halves of that setting separately, and both go through the same code path:
  //   - 256 KiB chunks, 174 links, balanced (legacy-cid-v0 profile = Kubo's default):
  //     ipfs/kubo test/cli/add_test.go "ipfs init --profile=legacy-cid-v0 applies UnixFSChunker=size-262144
  //     and UnixFSFileMaxLinks" (also FileAtMaxLinksCID/FileOverMaxLinksCID in test/cli/cid_profiles_test.go)
  //   - CIDv1 + raw leaves + 174 links, balanced (test-cid-v1 profile, 1 MiB chunks):
  //     ipfs/kubo test/cli/add_test.go "ipfs init --profile=test-cid-v1 applies UnixFSChunker=size-1048576"
  const TEST_CID_V1: DagParameters = { ...KUBO_CID_V1, chunkSize: 1_048_576 };
  const vectors: [string, number, string, DagParameters, string][] = [
    [
      "44544 KiB (174 chunks of 256 KiB), v0",
      44_544 * 1024,
      "v0-seed",
      KUBO_CID_V0,
      "QmUbBALi174SnogsUzLpYbD4xPiBSFANF4iztWCsHbMKh2",
    ],
    [
      "44800 KiB (175 chunks: rebalanced), v0",
      44_800 * 1024,
      "v0-seed",
      KUBO_CID_V0,
      "QmepeWtdmS1hHXx1oZXsPUv6bMrfRRKfZcoPPU4eEfjnbf",
    ],
    [
      "174 MiB (174 raw leaves), v1",
      174 << 20,
      "v1-seed",
      TEST_CID_V1,
      "bafybeigwduxcf2aawppv3isnfeshnimkyplvw3hthxjhr2bdeje4tdaicu",
    ],
    [
      "175 MiB (175 raw leaves: rebalanced), v1",
      175 << 20,
      "v1-seed",
      TEST_CID_V1,
      "bafybeidhd7lo2n2v7lta5yamob3xwhbxcczmmtmhquwhjesi35jntf7mpu",
    ],
  ];
  for (const [label, size, seed, parameters, expected] of vectors) {
    it(`${label} → ${expected.slice(0, 12)}…`, async () => {
      assert.equal((await importContent(kuboDeterministic(size, seed), parameters)).toString(), expected);
    });
  }

  it("the store's parameters are Kubo's --cid-version 1 defaults", () => {
    assert.deepEqual(KUBO_CID_V1, { cidVersion: 1, rawLeaves: true, chunkSize: 262_144, maxChildrenPerNode: 174 });
  });
});

describe("LocalContentStore", () => {
  let directory: string;
  let store: LocalContentStore;

  before(async () => {
    directory = await mkdtemp(path.join(tmpdir(), "hotpot-ipfs-"));
    store = new LocalContentStore(directory);
  });
  after(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it("stores a receipt as one raw block whose CID is receiptCid(sha256(bytes))", async () => {
    const receipt = text(
      JSON.stringify({
        order: "0x" + "ab".repeat(32),
        restaurant: 7,
        items: [{ id: 1, name: "Mala broth", quantity: 2, priceGel: "18.50" }],
        total: "37.00",
        paymentReference: "0x" + "cd".repeat(32),
        settledAt: "2026-01-01T12:00:00Z",
      }),
    );
    const { cid, size } = await store.put(receipt);
    const digest = "0x" + createHash("sha256").update(receipt).digest("hex");
    assert.equal(cid, receiptCid(digest));
    assert.equal(size, receipt.length);
    assert.deepEqual(await store.get(cid), receipt);
  });

  it("keeps content of exactly one chunk (256 KiB) a single raw block; one byte more makes a dag-pb root", async () => {
    const exact = randomBytes(CHUNK);
    const exactCid = CID.parse((await store.put(exact)).cid);
    assert.equal(exactCid.code, RAW_CODE);
    assert.equal(exactCid.toString(), receiptCid("0x" + createHash("sha256").update(exact).digest("hex")));

    const over = randomBytes(CHUNK + 1);
    const overCid = CID.parse((await store.put(over)).cid);
    assert.equal(overCid.code, DAG_PB_CODE);
    assert.equal(overCid.version, 1);
  });

  it("builds Kubo's DAG for multi-chunk files: raw 256 KiB leaves, 174 per node, then a second layer", async () => {
    const atMax = collect(kuboDeterministic(174 * CHUNK, "structure"));
    const root = await exporter((await store.put(atMax)).cid, store.blocks);
    assert.equal(root.type, "file");
    assert.equal(root.node.Links.length, 174);
    for (const link of root.node.Links) {
      assert.equal(link.Hash.code, RAW_CODE);
      assert.equal(link.Tsize, CHUNK);
    }

    const overMax = collect(kuboDeterministic(175 * CHUNK, "structure"));
    const rebalanced = await exporter((await store.put(overMax)).cid, store.blocks);
    assert.equal(rebalanced.type, "file");
    assert.equal(rebalanced.node.Links.length, 2);
    assert.ok(rebalanced.node.Links.every((link) => link.Hash.code === DAG_PB_CODE));
  });

  it("round-trips multi-chunk content and gives the same CID as hashing alone", async () => {
    const bytes = randomBytes(3 * CHUNK + 12_345);
    const { cid, size } = await store.put(bytes);
    assert.equal(cid, (await importContent(bytes)).toString());
    assert.equal(size, bytes.length);
    assert.equal(await store.has(cid), true);
    assert.deepEqual(await store.get(cid), new Uint8Array(bytes));
    assert.deepEqual(await store.put(bytes), { cid, size }, "storing again is a no-op");
  });

  it("round-trips empty content", async () => {
    const { cid } = await store.put(new Uint8Array(0));
    assert.deepEqual(await store.get(cid), new Uint8Array(0));
  });

  it("answers null / false for content it does not have", async () => {
    const absent = (await importContent(text("never stored"))).toString();
    assert.equal(await store.get(absent), null);
    assert.equal(await store.has(absent), false);
  });

  it("rejects strings that are not CIDs", async () => {
    await assert.rejects(store.get("not-a-cid"), InvalidCidError);
    await assert.rejects(store.has("bafy"), InvalidCidError);
  });

  it("detects a corrupted leaf block instead of returning wrong bytes", async () => {
    const bytes = randomBytes(2 * CHUNK + 1);
    const { cid } = await store.put(bytes);
    const root = await exporter(cid, store.blocks);
    assert.equal(root.type, "file");
    const leaf = root.node.Links[1]?.Hash;
    assert.ok(leaf !== undefined);
    const file = store.blocks.pathOf(leaf);
    const original = await readFile(file);
    const corrupted = Buffer.from(original);
    corrupted[100] = (corrupted[100] ?? 0) ^ 0xff;
    await writeFile(file, corrupted);
    await assert.rejects(store.get(cid), ContentIntegrityError);
    await writeFile(file, original);
    assert.deepEqual(await store.get(cid), new Uint8Array(bytes));
  });

  it("detects a corrupted single-block file", async () => {
    const bytes = text('{"order":1}');
    const { cid } = await store.put(bytes);
    await writeFile(store.blocks.pathOf(CID.parse(cid)), text('{"order":2}'));
    await assert.rejects(store.get(cid), ContentIntegrityError);
  });

  it("reports a missing inner block as an error, not as absent content", async () => {
    const { cid } = await store.put(randomBytes(2 * CHUNK));
    const root = await exporter(cid, store.blocks);
    assert.equal(root.type, "file");
    const leaf = root.node.Links[0]?.Hash;
    assert.ok(leaf !== undefined);
    await unlink(store.blocks.pathOf(leaf));
    await assert.rejects(store.get(cid), (error: unknown) => {
      assert.ok(error instanceof ContentStoreError);
      assert.equal(error.retryable, false);
      assert.match(error.message, /missing/);
      return true;
    });
  });

  it("refuses to write a block whose bytes do not match its CID", async () => {
    const cid = await importContent(text("a"));
    await assert.rejects(store.blocks.put(cid, text("b")), ContentIntegrityError);
  });
});
