import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import { describe, it } from "node:test";

import {
  DASHBOARD_SPECS,
  DASHBOARDS_DIR,
  buildDashboard,
  expandMacros,
  metricNames,
  panelQueries,
  staleDashboards,
} from "./dashboards.ts";
import { readRules } from "./rules.ts";

describe("Grafana dashboards", () => {
  it("test_committedJson_matchesTheGenerator", async () => {
    const stale = await staleDashboards();
    assert.deepEqual(stale, [], `stale: ${stale.join(", ")}; run \`npm run dashboards\` and commit the result`);
    const committed = (await readdir(DASHBOARDS_DIR)).filter((name) => name.endsWith(".json")).sort();
    assert.deepEqual(
      committed,
      DASHBOARD_SPECS.map((spec) => `${spec.uid}.json`).sort(),
      "a dashboard JSON file that the generator no longer writes",
    );
  });

  it("test_everyPanel_hasAQueryAndAUniquePlace", () => {
    for (const spec of DASHBOARD_SPECS) {
      const dashboard = buildDashboard(spec);
      const queries = panelQueries(dashboard);
      assert.ok(queries.length >= spec.panels.length, spec.uid);
      for (const query of queries) assert.notEqual(query.expr.trim(), "", query.panel);
      const places = new Set<string>();
      for (const panel of dashboard.panels ?? []) {
        const grid = panel.gridPos;
        assert.ok(grid !== undefined && grid.x + grid.w <= 24, `${spec.uid}: ${JSON.stringify(grid)}`);
        const key = `${grid.x},${grid.y}`;
        assert.ok(!places.has(key), `${spec.uid}: two panels at ${key}`);
        places.add(key);
      }
    }
  });

  it("test_recordingRules_areUsedWhereTheyExist", async () => {
    const records = (await readRules()).groups.flatMap((group) => group.rules).flatMap((rule) => rule.record ?? []);
    const exprs = DASHBOARD_SPECS.flatMap((spec) => panelQueries(buildDashboard(spec))).map((query) => query.expr);
    const used = records.filter((record) => exprs.some((expr) => expr.includes(record)));
    assert.deepEqual(used, records, "every recording rule shows on a dashboard");
    // The rules' expressions are not repeated inline (a panel and its alert would disagree).
    for (const expr of exprs) {
      assert.doesNotMatch(expr, /histogram_quantile\([^)]*http_request_duration_seconds_bucket/, expr);
    }
  });
});

describe("metricNames", () => {
  it("test_metricNames_readsSeriesNotFunctionsLabelsOrKeywords", () => {
    assert.deepEqual(
      metricNames(
        'histogram_quantile(0.95, sum by (phase, le) (rate(indexer_batch_duration_seconds_bucket{job="a"}[$__rate_interval])))',
      ),
      ["indexer_batch_duration_seconds_bucket"],
    );
    assert.deepEqual(metricNames("job:http_error_ratio:rate5m or job:http_requests:rate5m * 0"), [
      "job:http_error_ratio:rate5m",
      "job:http_requests:rate5m",
    ]);
    assert.deepEqual(metricNames("time() - max(relayer_last_drain_timestamp_seconds)"), [
      "relayer_last_drain_timestamp_seconds",
    ]);
    assert.deepEqual(metricNames('max(hotpot_outbox_rows{status="pending", x=~"a|b"})'), ["hotpot_outbox_rows"]);
  });

  it("test_expandMacros_replacesGrafanasIntervals", () => {
    assert.equal(
      expandMacros("rate(x[$__rate_interval]) + avg_over_time(up[$__range])", "1m"),
      "rate(x[1m]) + avg_over_time(up[1m])",
    );
  });
});
