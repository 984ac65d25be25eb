// One way to start a bench child: the tsx loader, the given V8 flags, IPC, and the last lines
// it printed kept for error reports.

import { fork, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { childEntry } from './paths.js';

export interface ForkedChild {
  child: ChildProcess;
  /** The last lines the child wrote. */
  lines(): string[];
  /** The same, indented under an error message ('' when none). */
  output(): string;
}

/** `env` is added to this process's environment for the child (a cluster node's NODE_ID, DATABASE_URL…). */
export function forkChild(entry: URL, execArgv: string[], keepLines: number, env?: Record<string, string>): ForkedChild {
  const { url, loader } = childEntry(entry);
  const child = fork(url, [], {
    execArgv: loader ? ['--import', tsxLoader(), ...execArgv] : execArgv,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: env && { ...process.env, ...env },
  });
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    tail.push(...chunk.toString().split('\n').filter(Boolean));
    tail.splice(0, Math.max(0, tail.length - keepLines));
  };
  // BENCH_CHILD_LOG=prefix: everything a child prints goes to prefix.<pid> too (--trace-gc-nvp, say).
  const logTo = process.env.BENCH_CHILD_LOG && `${process.env.BENCH_CHILD_LOG}.${child.pid}`;
  if (logTo) for (const stream of [child.stdout!, child.stderr!]) stream.on('data', (chunk: Buffer) => appendFileSync(logTo, chunk));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return { child, lines: () => [...tail], output: () => (tail.length ? `\n  ${tail.join('\n  ')}` : '') };
}

// Absolute URL of tsx's ESM loader, so the child finds it whatever its cwd.
export function tsxLoader(): string {
  try {
    return import.meta.resolve('tsx');
  } catch {
    return 'tsx';
  }
}
