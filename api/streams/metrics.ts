/** Prometheus: live kitchen streams and hours streamed (the seed's "> 100 hours"), read at scrape time. */
import { Gauge, type Registry } from "prom-client";

import type { StreamService } from "./service.ts";

export function registerStreamMetrics(registry: Registry, service: StreamService): void {
  new Gauge({
    name: "kitchen_streams_live",
    help: "Kitchen streams live now",
    registers: [registry],
    async collect() {
      this.set((await service.listLive()).length);
    },
  });
  new Gauge({
    name: "kitchen_stream_hours_total",
    help: "Hours of kitchen video streamed, by restaurant (closed sessions, and open ones to their last sign of life)",
    labelNames: ["restaurant_id"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of (await service.hours()).restaurants) this.set({ restaurant_id: row.restaurant_id }, row.hours);
    },
  });
}
