import { setTimeout as sleep } from 'node:timers/promises';
import type { Gateway } from './app.js';

/** Share of the shutdown time chargers get to answer our close frame before the rest is forced. */
const CHARGER_CLOSE_SHARE = 0.3;
const GOING_AWAY = { code: 1001, reason: 'Server shutting down' };

/**
 * Stops the gateway in the order that loses nothing: stop accepting chargers, close the
 * connected ones with 1001 (going away: they reconnect, to another node or to this one after
 * its restart), then gateway.close(), which stops the API, lets the outbox and notification
 * workers finish the delivery each has in flight, and closes the store last.
 * Resolves false when `timeoutMs` passed first; the caller decides how to exit.
 */
export async function shutdown(gateway: Gateway, timeoutMs: number): Promise<boolean> {
  const deadline = new AbortController();
  const stopped = stopInOrder(gateway, timeoutMs).then(() => true);
  try {
    return await Promise.race([stopped, sleep(timeoutMs, false, { signal: deadline.signal })]);
  } finally {
    deadline.abort();
  }
}

async function stopInOrder(gateway: Gateway, timeoutMs: number): Promise<void> {
  // Stop listening first: a charger we close reconnects at once and must not land here again.
  gateway.ocpp.httpServer.close();
  gateway.ocpp.tls?.server.close();
  const chargers = gateway.ocpp.registry.all();
  gateway.log.info({ chargers: chargers.length }, 'closing charger connections');
  // A close waits for the calls each charger has in progress, then for its close frame. One
  // that never answers must not eat the time the deliveries need: gateway.close() forces it.
  const budget = new AbortController();
  await Promise.race([
    Promise.allSettled(chargers.map((client) => client.close(GOING_AWAY))),
    sleep(timeoutMs * CHARGER_CLOSE_SHARE, undefined, { signal: budget.signal }).catch(() => undefined),
  ]);
  budget.abort();
  await gateway.close();
}
