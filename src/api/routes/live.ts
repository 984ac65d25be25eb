import { Router, type Response } from 'express';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import type { StoredEvent } from '../../store/eventLog.js';
import { requireInstallation } from './lookups.js';

/**
 * A client that reads slower than its installation's events arrive is cut off past this many
 * buffered bytes; its EventSource reconnects with Last-Event-ID and resumes where it was.
 */
const MAX_BUFFERED_BYTES = 1024 * 1024;
/** Asked of EventSource clients before they reconnect (ms). */
const RETRY_MS = 2000;

/** Last-Event-ID is the seq of the last event the client got: a whole number, or absent. */
function lastEventId(header: string | string[] | undefined): number | undefined {
  if (header === undefined || header === '') return undefined;
  const text = Array.isArray(header) ? header[0] : header;
  if (!/^\d{1,15}$/.test(text)) {
    throw new ApiError('VALIDATION_FAILED', 'Invalid header: Last-Event-ID must be a whole number', [{ field: 'Last-Event-ID', message: 'must be a whole number' }]);
  }
  return Number(text);
}

function writeEvent(res: Response, e: StoredEvent): void {
  // Ended (too slow, or shutdown) but not yet closed: a write now would be an error event.
  if (res.writableEnded) return;
  res.write(`id: ${e.seq}\nevent: ${e.envelope.type}\ndata: ${JSON.stringify(e.envelope)}\n\n`);
  if (res.writableLength > MAX_BUFFERED_BYTES) res.end();
}

export function liveRoutes(deps: ApiDeps): Router {
  const router = Router();

  // Server-Sent Events: each event of the installation as `event: <type>` with its envelope as data.
  router.get('/installations/:id/live', async (req, res) => {
    const installation = await requireInstallation(deps, req, req.params.id);
    const resumeAfter = lastEventId(req.headers['last-event-id']);
    let stop: (() => void) | undefined;
    let keepalive: NodeJS.Timeout | undefined;
    let gone = false;
    res.on('close', () => {
      gone = true;
      clearInterval(keepalive);
      stop?.();
    });
    // Headers first: a resuming stream's replay is written while watch() runs.
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no' });
    res.write(`retry: ${RETRY_MS}\n\n`);
    try {
      stop = await deps.live.watch(installation.id, resumeAfter, { event: (e) => writeEvent(res, e), closed: () => res.end() });
    } catch (err) {
      deps.log.warn({ err, installationId: installation.id }, 'live stream could not start');
      return void res.end();
    }
    if (gone) return stop();
    keepalive = setInterval(() => res.writableEnded || res.write(': keepalive\n\n'), deps.config.liveKeepaliveMs);
    keepalive.unref();
  });

  return router;
}
