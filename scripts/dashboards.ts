/**
 * `npm run dashboards`: writes the Grafana dashboards defined in lib/monitoring/dashboards.ts to
 * monitoring/grafana/dashboards/ (commit the result; a unit test fails while it is stale).
 */
import { writeDashboards } from "../lib/monitoring/dashboards.ts";

for (const file of await writeDashboards()) console.log(file);
