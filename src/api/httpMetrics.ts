import type { RequestHandler } from 'express';
import { Histogram, type Registry } from 'prom-client';
import { afterResponse, routeOf } from './requestContext.js';

/** API calls are database reads and writes; remote commands wait for a charger up to commandTimeoutMs. */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * Times every HTTP request until its response is finished, labelled by the route pattern
 * (/api/chargers/:id, never the raw path, which would make a series per charger) and status.
 * Event streams are timed too: their duration is how long a client watched.
 */
export function httpMetrics(registry: Registry): RequestHandler {
  const duration = new Histogram({
    name: 'gateway_http_request_duration_seconds',
    help: 'HTTP API requests until the response finished, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  return afterResponse((req, res, seconds) => duration.observe({ method: req.method, route: routeOf(req), status: String(res.statusCode) }, seconds));
}
