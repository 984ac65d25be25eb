import type { RequestHandler } from 'express';
import { Histogram, type Registry } from 'prom-client';

/** API calls are database reads and writes; remote commands wait for a charger up to commandTimeoutMs. */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Requests no route matched share one label, so a scan of random paths makes no new series. */
const UNMATCHED = '(unmatched)';

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
  return (req, res, next) => {
    const started = performance.now();
    res.once('close', () => {
      const route = req.route ? routePattern(req.originalUrl, req.route.path) : UNMATCHED;
      duration.observe({ method: req.method, route, status: String(res.statusCode) }, (performance.now() - started) / 1000);
    });
    next();
  };
}

/**
 * The API routers are mounted at /api and declare their paths below it. req.baseUrl is reset
 * when an error leaves the router, so the prefix is taken from the URL instead.
 */
function routePattern(url: string, path: string): string {
  return url.startsWith('/api/') && !path.startsWith('/api/') ? `/api${path}` : path;
}
