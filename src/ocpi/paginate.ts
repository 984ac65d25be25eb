import type { Request, Response } from 'express';
import { z } from 'zod';
import { invalidParameters, issues } from './envelope.js';

/** The most objects one page holds, whatever `limit` asks (OCPI 2.2.1 §4.1.3: the server's own maximum). */
export const MAX_PAGE = 100;

const pageQuery = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).optional(),
  date_from: z.iso.datetime({ offset: true }).optional(),
  date_to: z.iso.datetime({ offset: true }).optional(),
});

/**
 * A paginated GET (OCPI 2.2.1 §4.1.3): objects changed from date_from (inclusive) to date_to
 * (exclusive), `limit` of them from `offset`, with X-Total-Count, X-Limit and a Link to the next page.
 */
export function page<T extends { last_updated: string }>(req: Request, res: Response, all: T[], base: string): T[] {
  const q = pageQuery.safeParse(req.query);
  if (!q.success) throw invalidParameters(issues(q.error));
  const { offset, date_from: from, date_to: to } = q.data;
  const limit = Math.min(q.data.limit ?? MAX_PAGE, MAX_PAGE);
  const time = (iso: string) => Date.parse(iso);
  const matching = all.filter((o) => (!from || time(o.last_updated) >= time(from)) && (!to || time(o.last_updated) < time(to)));
  res.setHeader('X-Total-Count', String(matching.length));
  res.setHeader('X-Limit', String(MAX_PAGE));
  if (offset + limit < matching.length) {
    const next = new URL(req.originalUrl, base);
    next.searchParams.set('offset', String(offset + limit));
    next.searchParams.set('limit', String(limit));
    res.setHeader('Link', `<${next.href}>; rel="next"`);
  }
  return matching.slice(offset, offset + limit);
}
