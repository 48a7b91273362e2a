/**
 * Reads coverage/lcov.info written by `hardhat test --coverage` and fails when the line coverage
 * of the production contracts (contracts/, without the local-only test token) is below the bar.
 * Hardhat 3 measures lines and statements; its table (printed just before this) shows both.
 */
import { readFile } from "node:fs/promises";

const MIN_LINE_COVERAGE_PERCENT = 95;
const LCOV = "coverage/lcov.info";

interface FileCoverage {
  file: string;
  hit: number;
  found: number;
}

function parseLcov(text: string): FileCoverage[] {
  const files: FileCoverage[] = [];
  let current: FileCoverage | undefined;
  for (const line of text.split("\n")) {
    if (line.startsWith("SF:")) current = { file: line.slice(3), hit: 0, found: 0 };
    else if (line.startsWith("LH:") && current) current.hit = Number(line.slice(3));
    else if (line.startsWith("LF:") && current) current.found = Number(line.slice(3));
    else if (line === "end_of_record" && current) {
      files.push(current);
      current = undefined;
    }
  }
  return files;
}

const production = parseLcov(await readFile(LCOV, "utf8")).filter(
  ({ file }) => file.startsWith("contracts/") && !file.startsWith("contracts/test/"),
);
if (production.length === 0) {
  console.error(`${LCOV} has no contracts/ files: did the tests run with --coverage?`);
  process.exit(1);
}

const percent = (hit: number, found: number): number => (found === 0 ? 100 : (100 * hit) / found);
console.log("\nLine coverage of production contracts");
for (const { file, hit, found } of production) {
  console.log(`  ${file.padEnd(48)} ${percent(hit, found).toFixed(2).padStart(6)} %  (${hit}/${found})`);
}
const hit = production.reduce((sum, f) => sum + f.hit, 0);
const found = production.reduce((sum, f) => sum + f.found, 0);
const total = percent(hit, found);
console.log(`  ${"total".padEnd(48)} ${total.toFixed(2).padStart(6)} %  (${hit}/${found})`);
console.log(
  JSON.stringify({
    coverage: "contracts",
    lines_hit: hit,
    lines_found: found,
    line_coverage_percent: Number(total.toFixed(2)),
  }),
);
if (total < MIN_LINE_COVERAGE_PERCENT) {
  console.error(`Line coverage ${total.toFixed(2)} % is below ${MIN_LINE_COVERAGE_PERCENT} %`);
  process.exit(1);
}
