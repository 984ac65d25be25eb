import type { Logger } from '../log.js';
import { afterResponse, routeOf } from './requestContext.js';

/** Probes and scrapes come every few seconds: at debug, so the request log shows people and programs at work. */
const ROUTINE = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * A line per HTTP request once answered: method, route pattern (never the raw path, whose ids
 * and query could carry personal data), status, duration and request id. Never bodies or headers.
 */
export function requestLog(log: Logger) {
  return afterResponse((req, res, seconds) => {
    const route = routeOf(req);
    const line = { method: req.method, route, status: res.statusCode, ms: Math.round(seconds * 1000), requestId: req.requestId };
    if (ROUTINE.has(route)) log.debug(line, 'api request');
    else log.info(line, 'api request');
  });
}
