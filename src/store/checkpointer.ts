import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * SQLite checkpoints its write-ahead log in whichever connection commits past 1,000 pages:
 * under event load that was the charger path's connection, which then copied the log into
 * the database and fsynced it while every charger waited. Here a thread of its own does it,
 * PASSIVE (it never blocks a writer or a reader), and the gateway's connections never do.
 *
 * Plain CommonJS evaluated in the worker, so it needs no TypeScript loader and no build step.
 */
const SOURCE = `
const { workerData } = require('node:worker_threads');
const { path, driver, intervalMs } = workerData;
let checkpoint;
if (driver === 'node:sqlite') {
  const { DatabaseSync } = require('node:sqlite');
  const db = new DatabaseSync(path);
  db.exec('PRAGMA busy_timeout = 1000');
  const stmt = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
  checkpoint = () => stmt.all();
} else {
  const Database = require(driver);
  const db = new Database(path);
  db.pragma('busy_timeout = 1000');
  const stmt = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
  checkpoint = () => stmt.all();
}
setInterval(() => {
  try { checkpoint(); } catch { /* busy or closing: the next turn tries again */ }
}, intervalMs);
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

/**
 * Starts the thread; `fellBack` runs if it dies (with what it threw, if anything), so the caller
 * can hand checkpoints back to SQLite's own (a log that nobody checkpoints would grow without end).
 */
export function startCheckpointer(path: string, nodeSqlite: boolean, fellBack: (err?: Error) => void, intervalMs = 200): Checkpointer {
  const driver = nodeSqlite ? 'node:sqlite' : createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(SOURCE, { eval: true, workerData: { path, driver, intervalMs } });
  let stopping = false;
  let thrown: Error | undefined;
  worker.on('error', (err) => (thrown = err));
  worker.once('exit', () => stopping || fellBack(thrown));
  // It must never be what keeps a process alive.
  worker.unref();
  return {
    async stop() {
      stopping = true;
      await worker.terminate();
    },
  };
}
