import { collectDefaultMetrics, type Registry } from 'prom-client';

/**
 * prom-client's totals of the per-type nodejs_active_handles/requests/resources gauges: gauges
 * named like counters, which promtool's lint refuses (exit 3); sum() of the per-type series is the same.
 */
const GAUGES_NAMED_TOTAL = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

/** The standard process_* and nodejs_* series (CPU, memory, event loop lag, GC), as dashboards expect them. */
export function collectProcessMetrics(registry: Registry): void {
  collectDefaultMetrics({ register: registry });
  for (const name of GAUGES_NAMED_TOTAL) registry.removeSingleMetric(name);
}
