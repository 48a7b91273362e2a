/**
 * Prisma's own reading of a schema (the datamodel part of its DMMF), offline and without the native
 * engines: `prisma generate` parses the schema with the wasm bundled in the CLI and hands the DMMF to
 * every generator over JSON-RPC. Run as a program, this file is such a generator; it writes the
 * datamodel where HOTPOT_DMMF_OUT says.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export interface DmmfField {
  readonly name: string;
  /** The @map name; absent when the column is named like the field. */
  readonly dbName?: string | null;
  readonly kind: "scalar" | "object" | "enum" | "unsupported";
  readonly isList: boolean;
  readonly isRequired: boolean;
  readonly isId: boolean;
  readonly type: string;
  /** `@db.Decimal(78, 0)` is `["Decimal", ["78", "0"]]`. */
  readonly nativeType?: readonly [string, readonly string[]] | null;
  readonly relationFromFields?: readonly string[];
  readonly relationToFields?: readonly string[];
  readonly relationOnDelete?: string;
  readonly relationOnUpdate?: string;
}

export interface DmmfModel {
  readonly name: string;
  readonly dbName: string | null;
  readonly schema: string | null;
  readonly fields: readonly DmmfField[];
  readonly primaryKey: { readonly name: string | null; readonly fields: readonly string[] } | null;
}

export interface DmmfIndex {
  readonly model: string;
  readonly type: "id" | "normal" | "unique" | "fulltext";
  readonly isDefinedOnField: boolean;
  /** The `map:` name; absent when Prisma's default applies. */
  readonly dbName?: string;
  /** Gin, Gist, Hash, Brin, SpGist; absent for BTree. */
  readonly algorithm?: string;
  readonly fields: readonly {
    readonly name: string;
    readonly sortOrder?: "asc" | "desc";
    readonly operatorClass?: string;
  }[];
}

export interface DmmfEnum {
  readonly name: string;
  readonly dbName?: string | null;
  readonly values: readonly { readonly name: string; readonly dbName: string | null }[];
}

export interface DmmfDatamodel {
  readonly models: readonly DmmfModel[];
  readonly enums: readonly DmmfEnum[];
  readonly indexes: readonly DmmfIndex[];
}

const OUTPUT_VARIABLE = "HOTPOT_DMMF_OUT";
const require = createRequire(import.meta.url);
const PRISMA_CLI = path.join(path.dirname(require.resolve("prisma/package.json")), "build", "index.js");

/** Prisma's datamodel of `schema` (the text of a .prisma file; its generators are replaced by this one). */
export async function readPrismaDatamodel(schema: string): Promise<DmmfDatamodel> {
  const directory = await mkdtemp(path.join(tmpdir(), "hotpot-dmmf-"));
  try {
    const output = path.join(directory, "datamodel.json");
    const self = fileURLToPath(import.meta.url);
    // A PSL string; the CLI runs it through a shell.
    const provider = `\\"${process.execPath}\\" \\"${self}\\"`;
    const withoutGenerators = schema.replace(/^\s*generator\s+\w+\s*\{[^}]*\}/gm, "");
    await writeFile(
      path.join(directory, "schema.prisma"),
      `${withoutGenerators}\n\ngenerator dmmf {\n  provider = "${provider}"\n}\n`,
    );

    const child = spawn(process.execPath, [PRISMA_CLI, "generate", "--schema", "schema.prisma"], {
      // Away from the project, so that its prisma.config.ts is not loaded.
      cwd: directory,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        [OUTPUT_VARIABLE]: output,
        // generate never runs the schema engine, but the CLI downloads one at start unless told where it is.
        PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
        CHECKPOINT_DISABLE: "1",
        PRISMA_HIDE_UPDATE_MESSAGE: "1",
      },
    });
    let transcript = "";
    child.stdout.on("data", (chunk: Buffer) => (transcript += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (transcript += chunk.toString()));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once("error", reject);
      child.once("close", resolve);
    });
    if (code !== 0) throw new Error(`prisma generate could not read the schema (exit code ${code}):\n${transcript}`);
    return JSON.parse(await readFile(output, "utf8")) as DmmfDatamodel;
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

interface RpcRequest {
  readonly id: number;
  readonly method: string;
  readonly params?: { readonly dmmf?: { readonly datamodel: unknown } };
}

/** The generator side of @prisma/generator-helper's protocol: requests on stdin, answers on stderr. */
function serveAsGenerator(): void {
  const answer = (id: number, result: unknown): void => {
    process.stderr.write(`${JSON.stringify({ jsonrpc: "2.0", id, result })}\n`);
  };
  createInterface({ input: process.stdin }).on("line", (line) => {
    const request = JSON.parse(line) as RpcRequest;
    if (request.method === "getManifest") {
      answer(request.id, { manifest: { prettyName: "DMMF", defaultOutput: ".", requiresEngines: [] } });
    } else if (request.method === "generate") {
      const output = process.env[OUTPUT_VARIABLE];
      if (output === undefined) throw new Error(`${OUTPUT_VARIABLE} is not set`);
      writeFile(output, JSON.stringify(request.params?.dmmf?.datamodel)).then(
        () => {
          answer(request.id, null);
        },
        (error: unknown) => {
          process.stderr.write(
            `${JSON.stringify({ jsonrpc: "2.0", id: request.id, error: { code: -32000, message: String(error) } })}\n`,
          );
        },
      );
    }
  });
}

if (import.meta.main) serveAsGenerator();
