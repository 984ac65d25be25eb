import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { LAG_WINDOW_MS } from './delivery/pace.js';
import type { Logger } from '../log.js';
import type { Envelope } from '../store/envelope.js';
import type { FromThread, ThreadInit, ToThread } from './delivery/protocol.js';
import type { AttemptCounts } from './attempts.js';
import type { DeliveryRecord } from '../store/deliveries.js';
import { createPortRequests } from './port.js';

export interface DeliveryThread {
  /** Starts the thread now (it also starts on first use). */
  start(): Promise<void>;
  /** After a commit that wrote events; resolves once blocking deliveries are done when `wait`. */
  published(envelopes: Envelope[], wait: boolean): Promise<void>;
  changed(subscriptionId: string): void;
  /** Logs attempts made on the main thread; resolves once they are written. */
  record(rows: DeliveryRecord[]): Promise<void>;
  /** Drops attempt rows logged before `before`; a thread that is not running has nothing new to drop. */
  prune(before: string): Promise<void>;
  stop(): Promise<void>;
}

const LEVELS: Record<number, 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal'> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const RESTART_AFTER_MS = 1000;
const REPLY_TIMEOUT_MS = 10_000;

/**
 * Built output runs entry.js as it is. From TypeScript sources (tests, `npm run dev`, the bench)
 * the thread registers tsx's loader first, as the main thread had it: `--import tsx` in a
 * worker's execArgv does not reach the worker's own entry on Node 20.
 */
function spawnWorker(init: ThreadInit): Worker {
  const url = new URL(import.meta.url.endsWith('.ts') ? './delivery/entry.ts' : './delivery/entry.js', import.meta.url);
  if (url.pathname.endsWith('.js')) return new Worker(url, { workerData: init });
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { eval: true, workerData: init });
}

/** The lag timer's period: the histogram records each period, so a punctual loop reads this much. */
const LAG_RESOLUTION_MS = 2;

/** Sends the thread this (the charger path's) event loop's delay, p99 per window, and the chargers' CALL rate, to pace deliveries by. */
function watchLag(w: Worker, chargerCalls: () => number): () => void {
  const h = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  h.enable();
  let calls = chargerCalls();
  const timer = setInterval(() => {
    const p99Ms = Math.max(0, h.percentile(99) / 1e6 - LAG_RESOLUTION_MS);
    h.reset();
    const now = chargerCalls();
    w.postMessage({ t: 'lag', p99Ms, callsPerSec: ((now - calls) * 1000) / LAG_WINDOW_MS } satisfies ToThread);
    calls = now;
  }, LAG_WINDOW_MS);
  timer.unref();
  return () => {
    clearInterval(timer);
    h.disable();
  };
}

/** Re-emits a line the thread's logger wrote, at its level, through the main logger. */
function relay(log: Logger, line: string): void {
  try {
    const { level, msg, time: _t, pid: _p, hostname: _h, service: _s, ...fields } = JSON.parse(line) as Record<string, unknown>;
    log[LEVELS[level as number] ?? 'info']({ thread: 'delivery', ...fields }, String(msg ?? ''));
  } catch {
    log.warn({ thread: 'delivery' }, 'unreadable log line from the delivery thread');
  }
}

/**
 * The main thread's handle on the delivery thread. Started on first use, so a gateway with no
 * subscriptions runs no thread; restarted if it dies (its work is in the database: the
 * workers resume from their cursors).
 */
export function createDeliveryThread(
  init: ThreadInit,
  log: Logger,
  attempts: (counts: AttemptCounts) => void = () => undefined,
  /** CALLs chargers made so far, sent with the loop's delay (pace.ts). */
  chargerCalls: () => number = () => 0,
): DeliveryThread {
  let worker: Worker | undefined;
  let ready: Promise<Worker> | undefined;
  let stopping = false;
  const requests = createPortRequests((m) => worker!.postMessage(m));

  function spawn(): Promise<Worker> {
    const w = spawnWorker(init);
    worker = w;
    let started = false;
    let unwatch = () => {};
    return new Promise((resolve, reject) => {
      w.on('message', (m: FromThread) => {
        if (m.t === 'log') relay(log, m.line);
        else if (m.t === 'attempts') attempts(m.counts);
        else if (m.t === 'ready') {
          started = true;
          unwatch = watchLag(w, chargerCalls);
          resolve(w);
        }
        else if (m.t === 'failed') reject(new Error(`delivery thread did not start: ${m.message}`));
        else if (m.t === 'done') requests.done(m);
      });
      w.on('error', (err) => log.error({ err }, 'delivery thread crashed'));
      w.on('exit', (code) => {
        unwatch();
        reject(new Error(`delivery thread exited with code ${code}`));
        requests.closed();
        if (worker !== w || stopping) return;
        worker = undefined;
        ready = undefined;
        // One that never started is retried on its next use, not in a loop.
        if (!started) return;
        log.error({ code }, 'delivery thread exited; restarting it');
        setTimeout(() => void use().catch(() => undefined), RESTART_AFTER_MS).unref();
      });
    });
  }

  function use(): Promise<Worker> {
    ready ??= spawn().catch((err) => {
      ready = undefined;
      log.error({ err }, 'delivery thread failed to start');
      throw err;
    });
    return ready;
  }

  return {
    async start() {
      if (!stopping) await use();
    },
    async published(envelopes, wait) {
      if (stopping || envelopes.length === 0) return;
      // The events are stored: if the thread is not up (yet), its workers pick them up from there.
      // Only a blocking delivery makes the charger's reply wait, never the thread's start-up.
      if (!wait) {
        use().then((w) => w.postMessage({ t: 'published', envelopes } satisfies ToThread), () => undefined);
        return;
      }
      const w = await use().catch(() => undefined);
      if (!w) return;
      // Blocking deliveries bound themselves by the subscription's timeout; this is a backstop.
      return requests.request({ t: 'published', envelopes } satisfies ToThread, REPLY_TIMEOUT_MS);
    },
    changed(subscriptionId) {
      if (stopping) return;
      void use().then(
        (w) => w.postMessage({ t: 'changed', subscriptionId } satisfies ToThread),
        () => undefined,
      );
    },
    async record(rows) {
      if (rows.length === 0 || stopping || !(await use().catch(() => undefined))) return;
      await requests.request({ t: 'record', rows } satisfies ToThread, REPLY_TIMEOUT_MS);
    },
    async prune(before) {
      if (stopping || !worker || !(await ready?.catch(() => undefined))) return;
      await requests.request({ t: 'prune', before } satisfies ToThread, REPLY_TIMEOUT_MS);
    },
    async stop() {
      stopping = true;
      const w = worker;
      if (!w) return;
      await ready?.catch(() => undefined);
      await requests.request({ t: 'stop' } satisfies ToThread, REPLY_TIMEOUT_MS);
      await w.terminate();
    },
  };
}
