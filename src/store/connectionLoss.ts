import type pg from 'pg';
import type { Logger } from '../log.js';

/**
 * What to log of a lost connection: its SQLSTATE (57P01 for pg_terminate_backend or a server
 * shutting down) and message. Never the error object: pg-pool hangs the client on it, whose
 * connection parameters hold the password deeper than the logger's redaction reaches.
 */
export function lossOf(err: Error & { code?: string }): { code?: string; reason: string } {
  return { code: err.code, reason: err.message };
}

/**
 * node-postgres reports a connection the server ended (a restart, pg_terminate_backend, a cut
 * network) as an 'error' event on its client. pg-pool listens only while a client is idle in
 * the pool: one checked out (a transaction between two statements) has no listener, and an
 * 'error' nobody listens to ends the process. So every client gets a listener of its own for
 * its whole life; the query in flight, if any, rejects to its caller anyway, and the pool
 * discards the broken client when it is released.
 */
export function survivePoolConnectionLoss(pool: pg.Pool, log: Logger): void {
  pool.on('connect', (client) => {
    let reported = false;
    client.on('error', (err) => {
      // The server's 57P01 is followed by the socket's end: one line per connection is enough.
      if (reported) return;
      reported = true;
      log.warn(lossOf(err), 'database connection lost; the pool opens a new one on demand');
    });
  });
  // An idle client's error reaches the pool as well, after its own listener above logged it.
  pool.on('error', () => undefined);
}
