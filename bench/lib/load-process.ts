// The parent side of the HTTP load child (http-load-child.ts): fork it with the
// tsx loader, hand it one task, wait for its result. A child per task, so each
// client's CPU per request is measured in a process that ran nothing else.

import { forkChild } from './fork-child.js';
import type { ClientName } from './outbound-clients.js';
import type { LoadResult } from './load-patterns.js';
import { SERVER_NODE_FLAGS } from './server-process.js';

export type LoadTask =
  /** Closed loop of session starts through one client; `none` only builds and parses the body. */
  | { kind: 'client'; client: ClientName | 'none'; url: string; concurrency: number; warmupMs: number; durationMs: number; providerPid: number }
  /** Open loop at each rate, then (given a window) closed loop with `window` in flight, straight to the provider with undici. */
  | ({ kind: 'provider-direct'; url: string } & DirectPhases)
  /** The same, as real-time authorizations (OCPI 2.2.1 §12.2.2.2) of `uid` to an eMSP's tokens endpoint with its credentials token. */
  | ({ kind: 'emsp-direct'; tokensUrl: string; token: string; uid: string } & DirectPhases);

/** What a direct task runs: open loop at each rate, then closed loop with `window` in flight when given. */
export interface DirectPhases {
  rates: number[];
  window?: number;
  phaseMs: number;
  warmup: { rate: number; ms: number };
  providerPid: number;
}

export interface ClientRun extends LoadResult {
  /** CPU of the load child over the measured loop, per completed request. */
  cpuUsPerRequest: number;
  providerCpuPct: number;
}

export interface DirectPhase extends LoadResult {
  /** Set for open-loop phases. */
  rate?: number;
  /** Set for the closed-loop (saturation) phase. */
  window?: number;
  providerCpuPct: number;
}

export type TaskResult<T extends LoadTask> = T extends { kind: 'client' } ? ClientRun : DirectPhase[];

export type ToChild = { type: 'run'; task: LoadTask };
export type FromChild = { type: 'done'; result: ClientRun | DirectPhase[] } | { type: 'failed'; message: string };

const OUTPUT_LINES = 20;

export function runLoadTask<T extends LoadTask>(task: T, timeoutMs: number): Promise<TaskResult<T>> {
  // The client stands in for the gateway's outbound side, so it runs with the gateway's V8 flags.
  const { child, output } = forkChild(new URL('./http-load-child.ts', import.meta.url), SERVER_NODE_FLAGS, OUTPUT_LINES);

  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const fail = (why: string) => settle(() => reject(new Error(`load child (${task.kind}): ${why}${output()}`)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(`no result in ${timeoutMs} ms`);
    }, timeoutMs);
    child.on('message', (m: FromChild) => {
      if (m.type === 'done') settle(() => resolve(m.result as TaskResult<T>));
      else fail(m.message);
    });
    child.once('exit', (code, signal) => fail(`exited (code ${code}, signal ${signal}) without a result`));
    child.once('error', (err) => fail(err.message));
    child.send({ type: 'run', task } satisfies ToChild);
  });
}
