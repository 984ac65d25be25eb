// The delivery thread: notification workers with a store connection, an HTTP client and Kafka
// producers of their own, at a lower CPU priority. Delivering thousands of events a second
// then costs the charger path on the main thread neither event-loop time nor a shared
// database connection (docs/bench-log/2026-11.md, "Event notifications"). It is the only
// writer of what it delivers: the attempt log and the cursors, in one transaction.

import { execFile } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { createLogger } from '../../log.js';
import { openResources } from '../../resources.js';
import { createDispatcher } from './dispatcher.js';
import { createInterest } from '../interest.js';
import { createLazyKafkaPool } from './kafka/lazy.js';
import type { FromThread, ThreadInit, ToThread } from './protocol.js';
import { createAttemptTally } from '../attempts.js';
import { applyBookkeeping, gatherBookkeeping } from './bookkeeping.js';
import { createPace } from './pace.js';

const port = parentPort!;
const { config } = workerData as ThreadInit;
const post = (m: FromThread) => port.postMessage(m);
// Lines go to the main thread's logger, which owns stdout (and the tests' capture).
const log = createLogger(config.logLevel, { write: (line: string) => post({ t: 'log', line }) });
const ATTEMPTS_FLUSH_MS = 1000;
/** Delivery yields the CPU to the charger path: nice +10, SCHED_IDLE too unless configured `low`. */
const NICENESS = 10;
const attempts = createAttemptTally((counts) => post({ t: 'attempts', counts }), ATTEMPTS_FLUSH_MS);
const pace = createPace();
/** Answers a request the main thread waits for (port.ts). */
const done = (m: ToThread) => m.reply !== undefined && post({ t: 'done', reply: m.reply });

async function open() {
  const { store, outbound, http } = await openResources(config, log, {
    sqliteCheckpoints: 'elsewhere',
    // This thread is the delivery log's one writer; its checkpoints cost only this thread.
    sqliteLogCheckpoints: 'onCommit',
  });
  const kafka = createLazyKafkaPool(outbound);
  const interest = createInterest(() => store.subscriptions.list());
  const write = gatherBookkeeping((list) => applyBookkeeping(store, list));
  const dispatcher = createDispatcher({
    store,
    write,
    deliver: { http, kafka, deliveries: { record: (row) => write({ rows: [row] }) }, attempted: attempts.add },
    interest,
    log,
    nodeId: config.nodeId,
    retryDelaysMs: config.notificationRetryDelaysMs,
    probeMaxMs: config.notificationProbeMaxMs,
    clustered: config.databaseUrl !== undefined,
    pace,
  });
  await interest.refresh();
  dispatcher.start();
  return {
    async handle(m: ToThread): Promise<void> {
      if (m.t === 'published') await dispatcher.published(m.envelopes);
      else if (m.t === 'record') await write({ rows: m.rows });
      else if (m.t === 'prune') await store.deliveries.prune(m.before);
      else if (m.t === 'changed') {
        await interest.refresh();
        // Deleted: its attempt log and cursor go with it.
        if (!(await store.subscriptions.get(m.subscriptionId))) await store.deliveries.forget(m.subscriptionId);
        else dispatcher.kick(m.subscriptionId);
      }
    },
    async stop() {
      pace.stop();
      await dispatcher.stop();
      await kafka.close();
      await http.close();
      await store.close();
    },
  };
}

/**
 * Nice +10 first (on Linux the nice value belongs to the thread, and pid 0 names the calling
 * one), then SCHED_IDLE where `chrt` can set it. Nice alone still let this thread finish its
 * slice before a woken charger-path thread ran, and busy subscriptions lengthened the charger
 * path's Authorize tail (docs/bench-log/2026-11.md). A SCHED_IDLE thread gives
 * way at once to any other, and runs on what they leave.
 */
function lowerPriority(): void {
  try {
    setPriority(0, NICENESS);
  } catch (err) {
    log.warn({ err }, 'could not lower the delivery thread priority');
  }
  if (config.notificationPriority !== 'idle') return;
  const tid = kernelThreadId();
  if (tid === undefined) return;
  execFile('chrt', ['--idle', '--pid', '0', tid], (err) => {
    if (err) log.info({ reason: err.message }, 'delivery thread left at nice +10: could not set SCHED_IDLE');
  });
}

/** This thread's id for the kernel (Linux: /proc/thread-self links to "<pid>/task/<tid>"). */
function kernelThreadId(): string | undefined {
  try {
    return readlinkSync('/proc/thread-self').split('/').pop();
  } catch {
    return undefined;
  }
}

/** Steers the pace, and says when deliveries start or stop giving way to the chargers. */
function paceBy(m: Extract<ToThread, { t: 'lag' }>): void {
  const before = pace.rate();
  pace.lag(m.p99Ms, m.callsPerSec);
  const after = pace.rate();
  if (before === Infinity && after !== Infinity) log.info({ perSec: Math.round(after), lagMs: m.p99Ms, chargerCallsPerSec: Math.round(m.callsPerSec) }, 'chargers are busy: notification deliveries paced');
  else if (before !== Infinity && after === Infinity) log.info('notification deliveries unpaced again');
}

lowerPriority();
open().then(
  (thread) => {
    port.on('message', (m: ToThread) => {
      if (m.t === 'lag') return paceBy(m);
      if (m.t === 'stop') {
        void thread.stop().finally(() => {
          attempts.flush();
          done(m);
        });
        return;
      }
      thread
        .handle(m)
        .catch((err) => log.error({ err }, 'delivery thread failed to handle a message'))
        .finally(() => done(m));
    });
    post({ t: 'ready' });
  },
  (err: Error) => post({ t: 'failed', message: err.message }),
);
