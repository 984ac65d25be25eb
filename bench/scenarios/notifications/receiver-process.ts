// The parent side of the event receiver child (receiver-child.ts): fork it with
// the tsx loader, so the CPU it spends reading and verifying deliveries is its
// own, and ask it over IPC for counts, faults and resets.

import { setPriority } from 'node:os';
import { execFile } from 'node:child_process';
import { forkChild } from '../../lib/fork-child.js';
import type { ChildProcess } from 'node:child_process';
import type { HistogramSummary } from '../../../simulators/charger/stats.js';
import { SERVER_NODE_FLAGS } from '../../lib/server-process.js';

/** Every bench subscription signs with this; the receiver verifies with it. */
export const RECEIVER_SECRET = 'bench-receiver-secret-0123456789';

export interface ReceiverCounts {
  /** Deliveries answered 2xx since the child started: signed correctly and JSON. */
  delivered: number;
  /** Deliveries the receiver refused (bad signature, not JSON); injected faults are not counted here. */
  rejected: number;
  /** Every request, injected faults included. */
  attempts: number;
  /** Since the last reset: receipt time minus the event's occurredAt. */
  latencyMs: HistogramSummary;
  /** Since the last reset, per `x-subscription-id`: the fewest and most deliveries one subscription got. */
  perSubscription: { subscriptions: number; min: number; max: number };
  /** Since the last reset, ms since the epoch; 0 when nothing arrived. */
  firstAt: number;
  lastAt: number;
}

type Request = { op: 'counts' } | { op: 'reset' } | { op: 'fail'; status: number } | { op: 'clear-faults' } | { op: 'stop' };
export type ToReceiver = Request & { id: number };
export type FromReceiver =
  | { type: 'ready'; url: string }
  | { type: 'failed'; message: string }
  | { type: 'reply'; id: number; counts?: ReceiverCounts };

export interface ReceiverProcess {
  pid: number;
  /** Where subscriptions post. */
  url: string;
  counts(): Promise<ReceiverCounts>;
  /** Starts a new latency and per-subscription window; `delivered` keeps counting. */
  reset(): Promise<void>;
  /** Answers every request with `status` until clearFaults(). */
  failWith(status: number): Promise<void>;
  clearFaults(): Promise<void>;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 30_000;
const RECEIVER_NICENESS = 10;
const REPLY_TIMEOUT_MS = 10_000;
const OUTPUT_LINES = 20;

export function startReceiverProcess(): Promise<ReceiverProcess> {
  const { child, output } = forkChild(new URL('./receiver-child.ts', import.meta.url), SERVER_NODE_FLAGS, OUTPUT_LINES);
  // A subscriber runs on its own machine, not on the gateway's two cores: at nice +10, and
  // under SCHED_IDLE once it is up, the receiver yields to the gateway's charger path, so the
  // Authorize latency under event load shows what the gateway's own delivery work costs it.
  if (child.pid !== undefined) setPriority(child.pid, RECEIVER_NICENESS);

  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      child.kill('SIGKILL');
      reject(new Error(`receiver did not start: ${why}${output()}`));
    };
    const timer = setTimeout(() => fail(`no ready message in ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(`exited with code ${code}`);
    });
    child.once('message', (m: FromReceiver) => {
      clearTimeout(timer);
      if (m.type === 'failed') return fail(m.message);
      if (m.type !== 'ready') return fail(`unexpected first message ${m.type}`);
      // Every thread it has by now (a thread started later inherits it from its creator).
      execFile('chrt', ['--idle', '--all-tasks', '--pid', '0', String(child.pid)], () => undefined);
      const ask = asker(child);
      resolve({
        pid: child.pid!,
        url: m.url,
        counts: async () => (await ask({ op: 'counts' })).counts!,
        reset: () => ask({ op: 'reset' }).then(() => {}),
        failWith: (status) => ask({ op: 'fail', status }).then(() => {}),
        clearFaults: () => ask({ op: 'clear-faults' }).then(() => {}),
        stop: async () => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          const gone = new Promise<void>((done) => child.once('exit', () => done()));
          const killer = setTimeout(() => child.kill('SIGKILL'), REPLY_TIMEOUT_MS);
          await ask({ op: 'stop' }).catch(() => {});
          await gone;
          clearTimeout(killer);
        },
      });
    });
  });
}

/** Request and reply matched by id, so overlapping questions (a sampler and a fault) cannot cross. */
function asker(child: ChildProcess) {
  let next = 0;
  const waiting = new Map<number, { resolve: (m: Extract<FromReceiver, { type: 'reply' }>) => void; timer: NodeJS.Timeout }>();
  child.on('message', (m: FromReceiver) => {
    if (m.type !== 'reply') return;
    const w = waiting.get(m.id);
    if (!w) return;
    waiting.delete(m.id);
    clearTimeout(w.timer);
    w.resolve(m);
  });
  return (op: Request) =>
    new Promise<Extract<FromReceiver, { type: 'reply' }>>((resolve, reject) => {
      if (!child.connected) return reject(new Error('receiver process is gone'));
      const id = ++next;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error(`receiver: no reply to ${op.op} in ${REPLY_TIMEOUT_MS} ms`));
      }, REPLY_TIMEOUT_MS);
      waiting.set(id, { resolve, timer });
      child.send({ ...op, id } satisfies ToReceiver);
    });
}
