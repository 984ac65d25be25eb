import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler } from 'express';

declare module 'express-serve-static-core' {
  interface Request {
    /** Generated per request (never taken from the client), returned in x-request-id and in error bodies. */
    requestId?: string;
  }
}

export const REQUEST_ID_HEADER = 'x-request-id';

/** The first middleware: a caller quoting the id lets the operator find the request's log lines. */
export function requestIds(): RequestHandler {
  return (req, res, next) => {
    req.requestId = randomUUID();
    res.setHeader(REQUEST_ID_HEADER, req.requestId);
    next();
  };
}

/** Requests no route matched share one name, so a scan of random paths makes no new label. */
export const UNMATCHED = '(unmatched)';

/**
 * The route pattern (/api/chargers/:id, never the raw path with its ids). The API routers are
 * mounted at /api and declare their paths below it; req.baseUrl is reset when an error leaves
 * the router, so the prefix is taken from the URL instead.
 */
export function routeOf(req: Request): string {
  if (!req.route) return UNMATCHED;
  const path: string = req.route.path;
  return req.originalUrl.startsWith('/api/') && !path.startsWith('/api/') ? `/api${path}` : path;
}
