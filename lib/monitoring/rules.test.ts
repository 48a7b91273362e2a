import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, it } from "node:test";

import { parse } from "yaml";

import { PROJECT_ROOT } from "../config.ts";
import { alertsOf, durationSeconds, MONITORING_DIR, readRules, withShortFor, type RuleFile } from "./rules.ts";

interface AlertTests {
  readonly tests: readonly {
    readonly alert_rule_test?: readonly { alertname: string; exp_alerts: readonly unknown[] }[];
  }[];
}

/** GitHub's anchor for a Markdown heading: lower case, punctuation dropped, spaces as dashes. */
const anchor = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\w\- ]/g, "")
    .replace(/ /g, "-");

describe("monitoring/alerts.yml", () => {
  it("names the seed's three alerts with the seed's conditions", async () => {
    const alerts = new Map(alertsOf(await readRules()).map((rule) => [rule.alert, rule]));
    assert.equal(alerts.get("HighErrorRate")?.labels?.severity, "critical");
    assert.equal(alerts.get("HighResponseTime")?.for, "5m");
    assert.match(alerts.get("BlockchainSyncIssues")?.expr ?? "", /blockchain_sync_delay_seconds\) > 60$/);
    assert.equal(alerts.get("BlockchainSyncIssues")?.for, "1m");
  });

  it("gives every alert a severity, summary, description and a runbook section that exists", async () => {
    const runbook = await readFile(path.join(PROJECT_ROOT, "docs", "runbook.md"), "utf8");
    const sections = new Set(
      runbook
        .split("\n")
        .filter((line) => line.startsWith("## "))
        .map((line) => anchor(line.slice(3))),
    );
    for (const rule of alertsOf(await readRules())) {
      const name = rule.alert ?? "";
      assert.ok(["critical", "warning"].includes(rule.labels?.severity ?? ""), `${name}: severity`);
      assert.ok((rule.annotations?.summary ?? "").length > 10, `${name}: summary`);
      assert.ok((rule.annotations?.description ?? "").length > 40, `${name}: description`);
      const link = /^docs\/runbook\.md#(.+)$/.exec(rule.annotations?.runbook_url ?? "");
      assert.ok(link !== null, `${name}: runbook_url`);
      assert.ok(sections.has(link[1] as string), `${name}: docs/runbook.md has no section #${link[1]}`);
    }
  });

  it("has promtool unit tests where every alert fires and where it stays quiet", async () => {
    const tests = parse(await readFile(path.join(MONITORING_DIR, "tests", "alerts.test.yml"), "utf8")) as AlertTests;
    const cases = tests.tests.flatMap((test) => test.alert_rule_test ?? []);
    for (const rule of alertsOf(await readRules())) {
      const mine = cases.filter((item) => item.alertname === rule.alert);
      assert.ok(
        mine.some((item) => item.exp_alerts.length > 0),
        `${rule.alert}: no promtool test where it fires`,
      );
      assert.ok(
        mine.some((item) => item.exp_alerts.length === 0),
        `${rule.alert}: no promtool test where it stays quiet`,
      );
    }
  });
});

describe("withShortFor", () => {
  it("caps every for: and leaves the rest alone", async () => {
    const rules = await readRules();
    const short = parse(withShortFor(rules, "5s")) as RuleFile;
    const before = alertsOf(rules);
    const after = alertsOf(short);
    assert.equal(after.length, before.length);
    for (const [index, rule] of after.entries()) {
      const original = before[index];
      assert.ok(original !== undefined);
      assert.equal(rule.expr, original.expr);
      assert.deepEqual(rule.annotations, original.annotations);
      if (original.for !== undefined) assert.ok(durationSeconds(rule.for ?? "0s") <= 5, rule.alert);
    }
  });

  it("reads Prometheus durations", () => {
    assert.equal(durationSeconds("1h30m"), 5400);
    assert.equal(durationSeconds("90s"), 90);
    assert.equal(durationSeconds("500ms"), 0.5);
    assert.throws(() => durationSeconds("5 minutes"), /not a Prometheus duration/);
  });
});
