/**
 * monitoring/alerts.yml as data: for the checks that every alert is documented and unit-tested,
 * and for the live test and `npm run monitor`, which load the same rules with shorter `for:`
 * durations (a test cannot wait the 5 minutes an operator should).
 */
import { readFile } from "node:fs/promises";
import path from "node:path";

import { parse, stringify } from "yaml";

import { PROJECT_ROOT } from "../config.ts";

export const MONITORING_DIR = path.join(PROJECT_ROOT, "monitoring");
export const ALERTS_FILE = path.join(MONITORING_DIR, "alerts.yml");

export interface Rule {
  readonly alert?: string;
  readonly record?: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface RuleFile {
  readonly groups: readonly { readonly name: string; readonly interval?: string; readonly rules: readonly Rule[] }[];
}

export async function readRules(file = ALERTS_FILE): Promise<RuleFile> {
  return parse(await readFile(file, "utf8")) as RuleFile;
}

export const alertsOf = (rules: RuleFile): Rule[] =>
  rules.groups.flatMap((group) => group.rules.filter((rule) => rule.alert !== undefined));

/** Prometheus durations (`1m`, `90s`, `1h30m`) in seconds. */
export function durationSeconds(duration: string): number {
  const units: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };
  let total = 0;
  let rest = duration;
  while (rest !== "") {
    const match = /^(\d+)(ms|s|m|h|d|w|y)/.exec(rest);
    if (match === null) throw new Error(`not a Prometheus duration: ${duration}`);
    total += Number(match[1]) * (units[match[2] as string] ?? 0);
    rest = rest.slice(match[0].length);
  }
  return total;
}

/**
 * The same rules with every `for:` capped at `maxFor` (e.g. "5s"); expressions, thresholds,
 * labels and annotations are untouched, so the live test exercises the real queries.
 */
export function withShortFor(rules: RuleFile, maxFor: string): string {
  const cap = durationSeconds(maxFor);
  const groups = rules.groups.map((group) => ({
    ...group,
    rules: group.rules.map((rule) =>
      rule.for !== undefined && durationSeconds(rule.for) > cap ? { ...rule, for: maxFor } : rule,
    ),
  }));
  return stringify({ groups });
}
