import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { exporter } from "ipfs-unixfs-exporter";
import type { CID } from "multiformats/cid";
import { ContentIntegrityError, ContentStoreError, type ContentStore } from "./storage.ts";
import { KUBO_CID_V1, blockMatches, importContent, parseCid } from "./unixfs.ts";

class BlockNotFoundError extends ContentStoreError {
  override readonly name = "BlockNotFoundError";
}

/**
 * Blocks as files named by CID, sharded like Kubo's flatfs (`next-to-last/2`) so that no folder
 * grows past a few thousand entries. Every read is hashed against the CID, so a corrupted or
 * swapped file is an error and never content.
 */
export class FileBlockstore {
  readonly directory: string;

  constructor(directory: string) {
    this.directory = directory;
  }

  pathOf(cid: CID): string {
    const name = cid.toString();
    return path.join(this.directory, name.slice(-3, -1), name);
  }

  async put(cid: CID, bytes: Uint8Array): Promise<CID> {
    if (!(await blockMatches(cid, bytes))) {
      throw new ContentIntegrityError(`refusing to store a block that does not hash to ${cid.toString()}`);
    }
    const file = this.pathOf(cid);
    if (await this.#exists(file)) return cid;
    await mkdir(path.dirname(file), { recursive: true });
    // write-then-rename: a crash never leaves a half-written block under its final name
    const temporary = `${file}.${randomBytes(6).toString("hex")}.tmp`;
    try {
      await writeFile(temporary, bytes);
      await rename(temporary, file);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    return cid;
  }

  async *get(cid: CID): AsyncGenerator<Uint8Array> {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(this.pathOf(cid));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") {
        throw new BlockNotFoundError(`block ${cid.toString()} is missing`, { cause: error });
      }
      throw error;
    }
    if (!(await blockMatches(cid, bytes))) {
      throw new ContentIntegrityError(`block ${cid.toString()} on disk is corrupted: its bytes hash to another CID`);
    }
    yield bytes;
  }

  has(cid: CID): Promise<boolean> {
    return this.#exists(this.pathOf(cid));
  }

  async delete(cid: CID): Promise<void> {
    await rm(this.pathOf(cid), { force: true });
  }

  async #exists(file: string): Promise<boolean> {
    try {
      await stat(file);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
      throw error;
    }
  }
}

/** The embedded store: no network, blocks under `directory` (by default DATA_DIR/ipfs). */
export class LocalContentStore implements ContentStore {
  readonly blocks: FileBlockstore;

  constructor(directory: string) {
    this.blocks = new FileBlockstore(directory);
  }

  async put(bytes: Uint8Array): Promise<{ cid: string; size: number }> {
    const cid = await importContent(bytes, KUBO_CID_V1, this.blocks);
    return { cid: cid.toString(), size: bytes.length };
  }

  async get(cidText: string): Promise<Uint8Array | null> {
    const cid = parseCid(cidText);
    if (!(await this.blocks.has(cid))) return null;
    const entry = await exporter(cid, this.blocks);
    if (entry.type !== "file" && entry.type !== "raw") {
      throw new ContentStoreError(`${cidText} is a ${entry.type}, not a file`);
    }
    const parts: Uint8Array[] = [];
    let length = 0;
    for await (const part of entry.content()) {
      parts.push(part);
      length += part.length;
    }
    const bytes = new Uint8Array(length);
    let offset = 0;
    for (const part of parts) {
      bytes.set(part, offset);
      offset += part.length;
    }
    return bytes;
  }

  async has(cidText: string): Promise<boolean> {
    return this.blocks.has(parseCid(cidText));
  }

  /** Deletes the content's block (content up to 256 KiB, all `put` stores as one raw block, is one file). */
  async remove(cidText: string): Promise<void> {
    await this.blocks.delete(parseCid(cidText));
  }
}
