// The parent side of a bench server: fork the child with the tsx loader, so the
// server's memory is its own process's and can be read apart from the load
// generator's, and talk to it over IPC.

import { forkChild } from './fork-child.js';
import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync, readSync } from 'node:fs';
import type { ChildMessage, MemoryReading, ParentMessage, ServerInfo } from './child.js';

export interface ServerProcess {
  name: string;
  pid: number;
  info: ServerInfo;
  /** Resident memory in KiB from /proc/<pid>/status, NaN when unreadable. */
  rssKiB(): number;
  /** Runs a full GC in the child, so RSS readings compare live memory rather than garbage. */
  gc(): Promise<void>;
  errors(): Promise<Record<string, number>>;
  /** Heap in use and RSS as the child sees them. */
  memory(): Promise<MemoryReading>;
  /** Set when the child exited before stop(): a crashed server must show in the report. */
  exitedEarly(): string | undefined;
  /** The last lines the child wrote, for error reports. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * A larger young generation: the gateway allocates per frame, and the default 16 MiB semi-space
 * made scavenges frequent enough to push Authorize p99 at 5,000/s from ~6 ms to ~34 ms.
 */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=32'];

const READY_TIMEOUT_MS = 60_000;
const REPLY_TIMEOUT_MS = 10_000;
const OUTPUT_LINES = 40;

/**
 * `entry`: a child entry in bench/lib/ (floor-child.ts, gateway-child.ts…); `env` goes to the child on top of this
 * process's environment, `flags` after the usual V8 flags (--cpu-prof is refused in NODE_OPTIONS, so it comes here).
 */
export function startServerProcess(name: string, entry: string, env?: Record<string, string>, flags: string[] = []): Promise<ServerProcess> {
  // The same V8 flags as `npm start` and the Docker image, for the floor and the gateway alike.
  const execArgv = ['--expose-gc', ...SERVER_NODE_FLAGS, ...extraFlags(), ...flags];
  const { child, output, lines } = forkChild(new URL(entry, import.meta.url), execArgv, OUTPUT_LINES, env);
  let exited: string | undefined;
  let stopping = false;
  child.once('exit', (code, signal) => {
    if (!stopping) exited = `${name} server exited (code ${code}, signal ${signal})`;
  });

  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      child.kill('SIGKILL');
      reject(new Error(`${name} server did not start: ${why}${output()}`));
    };
    const timer = setTimeout(() => fail(`no ready message in ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(`exited with code ${code}`);
    });
    child.on('message', (m: ChildMessage) => {
      if (m.type === 'failed') {
        clearTimeout(timer);
        fail(m.message);
      } else if (m.type === 'ready') {
        clearTimeout(timer);
        const rss = rssReader(child.pid!);
        child.once('exit', () => rss.close());
        resolve({
          name,
          pid: child.pid!,
          info: m.info,
          rssKiB: () => rss.read(),
          gc: () => request(child, { type: 'gc' }, 'gc-done').then(() => {}),
          errors: () => request(child, { type: 'errors' }, 'errors').then((r) => (r.type === 'errors' ? r.errors : {})),
          memory: () =>
            request(child, { type: 'memory' }, 'memory').then((r) => (r.type === 'memory' ? { heapUsedKiB: r.heapUsedKiB, rssKiB: r.rssKiB } : { heapUsedKiB: NaN, rssKiB: NaN })),
          exitedEarly: () => exited,
          output: () => lines().join('\n'),
          stop: async () => {
            stopping = true;
            if (child.exitCode !== null || child.signalCode !== null) return;
            const gone = new Promise<void>((done) => child.once('exit', () => done()));
            child.send({ type: 'stop' } satisfies ParentMessage);
            const killer = setTimeout(() => child.kill('SIGKILL'), REPLY_TIMEOUT_MS + 5_000);
            await gone;
            clearTimeout(killer);
          },
        });
      }
    });
  });
}

function request(child: ChildProcess, message: ParentMessage, reply: ChildMessage['type']): Promise<ChildMessage> {
  return new Promise((resolve, reject) => {
    if (!child.connected) return reject(new Error('server process is gone'));
    const onMessage = (m: ChildMessage) => {
      if (m.type !== reply) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(m);
    };
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      reject(new Error(`no ${reply} reply in ${REPLY_TIMEOUT_MS} ms`));
    }, REPLY_TIMEOUT_MS);
    child.on('message', onMessage);
    child.send(message);
  });
}

export interface RssReader {
  /** Resident memory in KiB, NaN when unreadable. */
  read(): number;
  close(): void;
}

/**
 * Reads VmRSS from /proc/<pid>/status through a descriptor opened up front and
 * re-read at offset 0 (procfs regenerates the text on each read). Opening the
 * file at measurement time would fail with EMFILE exactly when a big fleet has
 * used up this process's descriptors, which is when the figure matters most.
 */
export function rssReader(pid: number | 'self'): RssReader {
  let fd: number | undefined;
  try {
    fd = openSync(`/proc/${pid}/status`, 'r');
  } catch {
    fd = undefined; // not Linux, or the process is gone: readings become NaN
  }
  const buf = Buffer.alloc(8192);
  return {
    read: () => {
      if (fd === undefined) return NaN;
      try {
        const n = readSync(fd, buf, 0, buf.length, 0);
        const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(buf.toString('latin1', 0, n));
        return match ? Number(match[1]) : NaN;
      } catch {
        return NaN;
      }
    },
    close: () => {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

/** BENCH_NODE_FLAGS="--cpu-prof --cpu-prof-dir=dir": extra flags for every server child, to look inside a run. */
function extraFlags(): string[] {
  return (process.env.BENCH_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
}
