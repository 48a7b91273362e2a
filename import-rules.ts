/**
 * Which top-level folder may import which, as ESLint `no-restricted-imports` rules (eslint.config.js
 * spreads them in). Data flows chain → indexer → Postgres → api → apps, and imports follow:
 *
 * - `indexer/` and `api/` never import each other; both build on `lib/` (what several parts share).
 * - `lib/` imports no part; `deploy/` imports only the contracts' build.
 * - Production code (`api/`, `indexer/`, `lib/`) never imports `local/` (stand-ins of outside
 *   services, dev chain, simulator) or `test/`; it gets their URLs as settings. Unit tests beside the
 *   code (`*.test.ts`) may use both.
 * - Nothing imports `scripts/`: scripts compose the parts.
 * - `web/` and `mobile/` import nothing from `api/`, `indexer/`, `lib/`, `local/`, `deploy/`: they
 *   talk to the API over HTTP (generated types live in the app).
 *
 * - Inside `api/`, domain code throws the domain's errors (`api/errors.ts`) and never imports the
 *   transport's (`api/rest/errors.ts`): only the edges (`api/rest/`, `api/http/`, `api/graphql/`, the
 *   domains' `routes.ts`) speak HTTP, and they map the domain's errors to statuses and GraphQL codes.
 *
 * Imports are relative, so a rule is written per folder depth: from `api/graphql/x.ts` the root is
 * `../../`, and `../../local/` is the local folder while `../local.ts` is a sibling file.
 */
import type { Linter } from "eslint";

type Part = "api" | "indexer" | "lib" | "deploy" | "local" | "scripts" | "test" | "examples" | "web" | "mobile";
type Folder = Exclude<Part, "examples">;

const CODE = "{ts,tsx,js,jsx,mjs,cjs}";
const TESTS = [`**/*.test.${CODE}`];
const MAX_DEPTH = 8;

/** Folders each part must not import; `tests` are the exceptions its unit tests beside the code get. */
const FORBIDDEN: Record<Part, { forbidden: readonly Folder[]; tests: readonly Folder[] }> = {
  api: { forbidden: ["indexer", "scripts", "local", "test", "web", "mobile"], tests: ["local", "test"] },
  indexer: { forbidden: ["api", "scripts", "local", "test", "web", "mobile"], tests: ["local", "test"] },
  lib: {
    forbidden: ["api", "indexer", "deploy", "scripts", "local", "test", "web", "mobile"],
    tests: ["local", "test"],
  },
  deploy: { forbidden: ["api", "indexer", "lib", "scripts", "local", "test", "web", "mobile"], tests: [] },
  local: { forbidden: ["api", "indexer", "scripts", "test", "web", "mobile"], tests: ["test"] },
  scripts: { forbidden: ["test", "web", "mobile"], tests: ["test"] },
  test: { forbidden: ["scripts", "web", "mobile"], tests: [] },
  examples: { forbidden: ["api", "indexer", "scripts", "local", "test", "web", "mobile"], tests: [] },
  web: { forbidden: ["api", "indexer", "lib", "deploy", "scripts", "local", "test", "mobile"], tests: [] },
  mobile: { forbidden: ["api", "indexer", "lib", "deploy", "scripts", "local", "test", "web"], tests: [] },
};

/** Why a folder is off limits, said in the lint message. */
const WHY: Record<Folder, string> = {
  api: "apps and scripts reach the API; indexer/ and lib/ never depend on it",
  indexer: "api/ reads the indexer's tables, never its code",
  lib: "lib/ is shared production code; deploy/ and the apps stand apart from it",
  deploy: "only scripts, tests and local tools deploy",
  scripts: "nothing imports scripts/: they compose the parts",
  local: "production code never imports local stand-ins: pass their URLs in as settings",
  test: "production code never imports test support",
  web: "apps are not imported",
  mobile: "apps are not imported",
};

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

interface Pattern {
  readonly regex: string;
  readonly message: string;
}

/** The patterns for a file `depth` folders below the root of `part`, forbidding `folders`. */
function folderPatterns(part: Part, depth: number, folders: readonly Folder[]): Pattern[] {
  const up = "../".repeat(depth);
  return folders.map((folder) => ({
    regex: `^${escape(up)}${folder}(/|$)`,
    message: `${part}/ must not import ${folder}/ (${WHY[folder]}). See README "Where things go".`,
  }));
}

function restriction(part: Part, depth: number, folders: readonly Folder[]): Linter.RuleEntry {
  return ["error", { patterns: folderPatterns(part, depth, folders) }];
}

/** api/'s edges: they speak HTTP and GraphQL, and may use the transport's errors. */
const API_EDGES = ["api/rest/**", "api/http/**", "api/graphql/**", "api/**/routes.ts"];

/** api/x/.../file.ts, `depth` folders below the root, is not an edge: it may not import api/rest/errors.ts. */
function domainRestriction(depth: number): Linter.RuleEntry {
  const transport = {
    regex: `^${escape("../".repeat(depth - 1))}rest/errors(\\.ts)?$`,
    message:
      'domain code throws api/errors.ts\'s errors (InvalidInput, NotFound, Conflict, ...); the REST and GraphQL edges map them. See README "Where things go".',
  };
  return ["error", { patterns: [...folderPatterns("api", depth, FORBIDDEN.api.forbidden), transport] }];
}

export const importRules: Linter.Config[] = (Object.entries(FORBIDDEN) as [Part, (typeof FORBIDDEN)[Part]][]).flatMap(
  ([part, { forbidden, tests }]) =>
    Array.from({ length: MAX_DEPTH }, (_, index) => {
      const depth = index + 1;
      const files = [`${part}/${"*/".repeat(index)}*.${CODE}`];
      const forTests = forbidden.filter((folder) => !tests.includes(folder));
      return [
        {
          name: `import-rules/${part}/depth-${depth}`,
          files,
          ignores: TESTS,
          rules: { "no-restricted-imports": restriction(part, depth, forbidden) },
        },
        {
          name: `import-rules/${part}/depth-${depth}/tests`,
          files: files.map((glob) => glob.replace(/\*\.\{[^}]+\}$/, `*.test.${CODE}`)),
          rules: { "no-restricted-imports": restriction(part, depth, forTests) },
        },
      ];
    }).flat(),
);

// Spread after importRules' own api/ entries, which they extend (a later entry's options replace an earlier one's).
importRules.push(
  ...Array.from({ length: MAX_DEPTH - 1 }, (_, index): Linter.Config => {
    const depth = index + 2;
    return {
      name: `import-rules/api/depth-${depth}/domain-errors`,
      files: [`api/${"*/".repeat(depth - 1)}*.${CODE}`],
      ignores: [...TESTS, ...API_EDGES],
      rules: { "no-restricted-imports": domainRestriction(depth) },
    };
  }),
);
