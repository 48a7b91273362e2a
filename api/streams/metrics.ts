/** Prometheus: live kitchen streams and hours streamed (the seed's "> 100 hours"), read at scrape time. */
import { Gauge, type Registry } from "prom-client";

import type { StreamService } from "./service.ts";

// A collect that throws fails the whole /metrics answer, hiding every other metric exactly when the
// database is down; these figures become unknown instead (no sample, or NaN without labels).
export function registerStreamMetrics(registry: Registry, service: StreamService): void {
  new Gauge({
    name: "kitchen_streams_live",
    help: "Kitchen streams live now",
    registers: [registry],
    async collect() {
      this.set(
        await service.listLive().then(
          (live) => live.length,
          () => Number.NaN,
        ),
      );
    },
  });
  new Gauge({
    name: "kitchen_stream_hours_total",
    help: "Hours of kitchen video streamed, by restaurant (closed sessions, and open ones to their last sign of life)",
    labelNames: ["restaurant_id"],
    registers: [registry],
    async collect() {
      const hours = await service.hours().catch(() => undefined);
      this.reset();
      for (const row of hours?.restaurants ?? []) this.set({ restaurant_id: row.restaurant_id }, row.hours);
    },
  });
}
