// The child side of a bench server process: start the server, tell the parent
// its ports, then obey `gc` and `stop`. Shared by the floor and gateway children
// so both are measured the same way.

export interface ServerInfo {
  ocppPort: number;
  httpPort?: number;
  adminToken?: string;
}

export type ParentMessage = { type: 'gc' } | { type: 'stop' } | { type: 'errors' } | { type: 'memory' };

/** V8 heap in use and resident memory of the server process, in KiB. */
export interface MemoryReading {
  heapUsedKiB: number;
  rssKiB: number;
}
export type ChildMessage =
  | { type: 'ready'; info: ServerInfo }
  | { type: 'failed'; message: string }
  | { type: 'gc-done' }
  | { type: 'errors'; errors: Record<string, number> }
  | ({ type: 'memory' } & MemoryReading)
  | { type: 'stopped' };

export interface StartedServer {
  info: ServerInfo;
  close(): Promise<void>;
  /** Server-side socket errors by code, when the server exposes them. */
  errors?(): Record<string, number>;
}

import { startStallTrace } from '../tools/stall-trace.js';
import { startAllocProfile } from '../tools/alloc-profile.js';

const STOP_TIMEOUT_MS = 10_000;

export async function serveAsChild(start: () => Promise<StartedServer>): Promise<void> {
  const send = (m: ChildMessage) => process.send?.(m);
  startStallTrace();
  const stopAllocProfile = await startAllocProfile();
  // A parent that dies without saying stop must not leave a server behind.
  process.on('disconnect', () => process.exit(0));

  let server: StartedServer;
  try {
    server = await start();
  } catch (err) {
    send({ type: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    process.exitCode = 1;
    process.disconnect?.();
    return;
  }

  process.on('message', async (m: ParentMessage) => {
    if (m.type === 'gc') {
      globalThis.gc?.();
      send({ type: 'gc-done' });
    } else if (m.type === 'memory') {
      const { heapUsed, rss } = process.memoryUsage();
      send({ type: 'memory', heapUsedKiB: Math.round(heapUsed / 1024), rssKiB: Math.round(rss / 1024) });
    } else if (m.type === 'errors') {
      send({ type: 'errors', errors: server.errors?.() ?? {} });
    } else if (m.type === 'stop') {
      const forced = setTimeout(() => process.exit(0), STOP_TIMEOUT_MS);
      await stopAllocProfile?.();
      await server.close().catch(() => {});
      clearTimeout(forced);
      send({ type: 'stopped' });
      process.exit(0);
    }
  });
  send({ type: 'ready', info: server.info });
}
