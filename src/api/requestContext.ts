import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';

declare module 'express-serve-static-core' {
  interface Request {
    /** Generated per request (never taken from the client), returned in x-request-id and in error bodies. */
    requestId?: string;
    /** The route's name in logs and metrics, set where the path is a regular expression or a static folder. */
    routeName?: string;
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

/** A route whose path is a regular expression and that did not name itself. */
export const UNNAMED_PATTERN = '(pattern)';

/** Names the route for the request log and the metrics: where express has no readable path. */
export const nameRoute = (name: string): RequestHandler => (req, _res, next) => {
  req.routeName = name;
  next();
};

/** A file a static handler serves is named from its setHeaders (a path it does not find stays unnamed). */
export const nameServed = (res: Response, name: string): void => void (res.req.routeName = name);

/** Requests no route matched share one name, so a scan of random paths makes no new label. */
export const UNMATCHED = '(unmatched)';

/**
 * The route pattern (/api/chargers/:id, never the raw path with its ids). The API routers are
 * mounted at /api and declare their paths below it; req.baseUrl is reset when an error leaves
 * the router, so the prefix is taken from the URL instead.
 */
export function routeOf(req: Request): string {
  if (req.routeName) return req.routeName;
  if (!req.route) return UNMATCHED;
  const path: unknown = req.route.path;
  // A pattern written as a regular expression would print as one (invalid escapes in a label).
  if (typeof path !== 'string') return UNNAMED_PATTERN;
  return req.originalUrl.startsWith('/api/') && !path.startsWith('/api/') ? `/api${path}` : path;
}

/** Runs `fn` once the response has finished (or the client went away), with how long it took in seconds. */
export function afterResponse(fn: (req: Request, res: Response, seconds: number) => void): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.once('close', () => fn(req, res, (performance.now() - started) / 1000));
    next();
  };
}
