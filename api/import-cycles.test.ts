/**
 * No module of api/ imports itself back through others. Cycles were how api/graphql's entity files
 * grew (each mixed data access with resolvers and needed the others'); the reads now live in
 * api/mirror/, and this keeps a new cycle from creeping in. Type-only imports count too: a cycle of
 * types is still two modules that cannot be understood (or moved) one without the other.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

import ts from "typescript";

const API = path.dirname(fileURLToPath(import.meta.url));

/** Production modules under `dir` (tests may import anything they exercise). */
function modules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/** Each module's relative imports (values, types and re-exports), resolved to files. */
function importGraph(files: readonly string[]): Map<string, string[]> {
  const known = new Set(files);
  return new Map(
    files.map((file) => [
      file,
      ts
        .preProcessFile(readFileSync(file, "utf8"), true, true)
        .importedFiles.map((imported) => imported.fileName)
        .filter((specifier) => specifier.startsWith("."))
        .map((specifier) => path.resolve(path.dirname(file), specifier))
        .filter((target) => known.has(target)),
    ]),
  );
}

/** The import cycles of `graph`: its strongly connected components with more than one module, or a self-import. */
export function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  // Tarjan's algorithm, iterative so a deep import chain cannot overflow the stack.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let next = 0;
  for (const root of graph.keys()) {
    if (index.has(root)) continue;
    const work: { node: string; edge: number }[] = [{ node: root, edge: 0 }];
    index.set(root, next);
    low.set(root, next++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      if (frame === undefined) break;
      const edges = graph.get(frame.node) ?? [];
      const target = edges[frame.edge++];
      if (target !== undefined) {
        if (!index.has(target)) {
          index.set(target, next);
          low.set(target, next++);
          stack.push(target);
          onStack.add(target);
          work.push({ node: target, edge: 0 });
        } else if (onStack.has(target)) {
          low.set(frame.node, Math.min(low.get(frame.node) ?? 0, index.get(target) ?? 0));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent !== undefined) low.set(parent.node, Math.min(low.get(parent.node) ?? 0, low.get(frame.node) ?? 0));
      if (low.get(frame.node) !== index.get(frame.node)) continue;
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop();
        if (member === undefined) break;
        onStack.delete(member);
        component.push(member);
      } while (member !== frame.node);
      if (component.length > 1 || edges.includes(frame.node)) cycles.push(component.sort());
    }
  }
  return cycles;
}

describe("import cycles", () => {
  it("finds a planted cycle, and none in an acyclic graph", () => {
    const planted = new Map([
      ["graphql/accounts.ts", ["graphql/orders.ts", "mirror/accounts.ts"]],
      ["graphql/orders.ts", ["graphql/restaurants.ts", "mirror/accounts.ts"]],
      ["graphql/restaurants.ts", ["graphql/accounts.ts"]],
      ["mirror/accounts.ts", ["mirror/blocks.ts"]],
      ["mirror/blocks.ts", []],
      ["self.ts", ["self.ts"]],
    ]);
    assert.deepEqual(importCycles(planted), [
      ["graphql/accounts.ts", "graphql/orders.ts", "graphql/restaurants.ts"],
      ["self.ts"],
    ]);
    planted.set("graphql/restaurants.ts", ["mirror/accounts.ts"]);
    planted.set("self.ts", []);
    assert.deepEqual(importCycles(planted), []);
  });

  it("api/ has none", () => {
    const graph = importGraph(modules(API));
    assert.ok(graph.size > 100, `read api/'s modules (${graph.size.toString()})`);
    const accounts = graph.get(path.join(API, "graphql/accounts.ts")) ?? [];
    assert.ok(accounts.includes(path.join(API, "mirror/accounts.ts")), "resolves relative imports to files");
    const cycles = importCycles(graph).map((cycle) => cycle.map((file) => path.relative(API, file)));
    assert.deepEqual(cycles, [], `import cycles:\n${cycles.map((cycle) => cycle.join(" → ")).join("\n")}`);
  });
});
