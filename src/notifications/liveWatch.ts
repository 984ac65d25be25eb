import pg from 'pg';
import type { Logger } from '../log.js';

/**
 * Tells the other nodes sharing a PostgreSQL database which installations have an open live
 * stream, so that their chargers' events are stored for it (events nobody wants are not
 * written). PostgreSQL NOTIFY on one listening connection per node: no table, nothing left
 * behind by a node that dies, since a watch not renewed within WATCH_TTL_MS lapses.
 * With SQLite there is one node, and nothing to tell.
 */
export interface WatchSignal {
  start(): Promise<void>;
  /** Says these installations are watched here; repeated every WATCH_RENEW_MS while they are. */
  announce(installationIds: Iterable<string>): void;
  /** Watched on some node, as last heard. */
  heard(installationId: string): boolean;
  close(): Promise<void>;
}

const CHANNEL = 'gateway_live_watch';
export const WATCH_RENEW_MS = 10_000;
const WATCH_TTL_MS = 3 * WATCH_RENEW_MS;
const RECONNECT_MS = 2000;

export function createWatchSignal(opts: { databaseUrl: string | undefined; log: Logger }): WatchSignal {
  const { databaseUrl, log } = opts;
  if (!databaseUrl) return { start: async () => undefined, announce: () => undefined, heard: () => false, close: async () => undefined };
  const heardUntil = new Map<string, number>();
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  function reconnectLater() {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, RECONNECT_MS);
    retry.unref();
  }

  async function connect(): Promise<void> {
    const c = new pg.Client({ connectionString: databaseUrl });
    c.on('notification', (m) => {
      if (m.channel === CHANNEL && m.payload) heardUntil.set(m.payload, Date.now() + WATCH_TTL_MS);
    });
    c.on('error', (err) => {
      log.warn({ err }, 'live watch connection lost; reconnecting');
      if (client === c) client = undefined;
      void c.end().catch(() => undefined);
      reconnectLater();
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${CHANNEL}`);
      if (closed) return void (await c.end());
      client = c;
    } catch (err) {
      log.warn({ err }, 'live watch connection failed; retrying');
      void c.end().catch(() => undefined);
      reconnectLater();
    }
  }

  return {
    start: connect,
    announce(installationIds) {
      const c = client;
      if (!c) return;
      for (const id of installationIds) {
        c.query('select pg_notify($1, $2)', [CHANNEL, id]).catch((err) => log.warn({ err }, 'live watch announcement failed'));
      }
    },
    heard(installationId) {
      const until = heardUntil.get(installationId);
      if (until === undefined) return false;
      if (until > Date.now()) return true;
      heardUntil.delete(installationId);
      return false;
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      const c = client;
      client = undefined;
      await c?.end().catch(() => undefined);
    },
  };
}
