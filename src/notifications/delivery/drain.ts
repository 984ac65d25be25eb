import type { Logger } from '../../log.js';
import type { Store } from '../../store/index.js';
import type { Subscription, SubscriptionSecrets } from '../../store/subscriptions.js';
import type { DeliveryRecord } from '../../store/deliveries.js';
import type { Envelope } from '../../store/envelope.js';
import { deliverOnce, type DeliverDeps } from './deliver.js';
import { passesFilter, scopeOf, type Interest } from '../interest.js';
import type { AttemptResult } from './webhookSink.js';
import type { Bookkeeper } from './bookkeeping.js';
import type { Workers } from './workers.js';
import type { Pace } from './pace.js';

export interface DrainDeps {
  store: Store;
  /** Writes attempt rows and cursors, gathered, in one transaction (bookkeeping.ts). */
  write: Bookkeeper;
  deliver: DeliverDeps;
  interest: Interest;
  log: Logger;
  retryDelaysMs: number[];
  probeMaxMs: number;
  /** Paces queued deliveries by the charger path's event-loop delay (pace.ts); unpaced without. */
  pace?: Pace;
}

/** A Retry-After longer than this queues the subscription instead of waiting inside the retries. */
const MAX_INLINE_WAIT_MS = 5000;
const BATCH = 100;
/** At most this many deliveries, or this long, between writes of the cursor and the attempt log. */
const FLUSH_EVERY = 20;
const FLUSH_AFTER_MS = 200;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const deliverable = (sub: Subscription) => sub.enabled && sub.state !== 'unverified' && sub.state !== 'disabled';

export function probeBackoffMs(failures: number, maxMs: number): number {
  return Math.min(maxMs, 1000 * 2 ** Math.max(0, failures - 1));
}

/**
 * A worker's drain: it reads the event log after the subscription's cursor, in order, one
 * delivery in flight; the cursor moves only after a 2xx, so a crash mid-delivery repeats that
 * event, never skips it. Failing deliveries queue the subscription and probe it with backoff.
 */
export function createDrain(d: DrainDeps, workers: Workers) {
  const { holdLease, releaseWhenIdle, scheduleAt, stopped } = workers;

  /** The first attempt and up to three quick retries, or a single probe for a queued subscription. */
  async function attempts(sub: Subscription, secrets: SubscriptionSecrets, e: Envelope, probe: boolean, log: DeliveryRecord[]): Promise<AttemptResult> {
    const delays = probe ? [] : d.retryDelaysMs;
    await d.pace?.admit();
    let result = await deliverOnce(d.deliver, sub, secrets, e, { attempt: 1, mode: probe ? 'probe' : 'queue', log });
    for (let i = 0; i < delays.length && !result.ok && !result.gone && !stopped(); i++) {
      const wait = Math.max(delays[i], result.retryAfterMs ?? 0);
      if (wait > MAX_INLINE_WAIT_MS) break;
      await sleep(wait);
      await d.pace?.admit();
      result = await deliverOnce(d.deliver, sub, secrets, e, { attempt: i + 2, mode: 'retry', log });
    }
    return result;
  }

  async function drain(id: string): Promise<void> {
    if (!(await holdLease(id))) {
      // Held by another node, or gone: only the first is worth looking at again.
      if (await d.store.subscriptions.get(id)) scheduleAt(id, Date.now() + 1000);
      return;
    }
    try {
      // Read under the lease: another node may have moved the cursor before it became ours.
      const read = await d.store.subscriptions.withSecrets(id);
      if (!read || !deliverable(read.subscription)) return;
      const { subscription: sub, secrets } = read;
      const due = sub.nextAttemptAt ? Date.parse(sub.nextAttemptAt) : 0;
      if (sub.state === 'queued' && due > Date.now()) return scheduleAt(id, due);
      await work(sub, secrets);
    } finally {
      releaseWhenIdle(id);
    }
  }

  async function work(sub: Subscription, secrets: SubscriptionSecrets): Promise<void> {
    const scope = scopeOf(sub);
    let { cursor, state, failures } = sub;
    // Attempt rows and the cursor are written together, every few deliveries rather than after
    // each: a crash then repeats at most those (in order; delivery is at least once). They are
    // written behind the deliveries, in order, and waited for where the drain ends, so the
    // next drain (or node) reads an up-to-date cursor.
    const log: DeliveryRecord[] = [];
    let saved = cursor;
    let savedAt = Date.now();
    let written: Promise<void> = Promise.resolve();
    let writeFailed: unknown;
    const flush = () => {
      if (log.length === 0 && cursor === saved) return written;
      const b = { rows: log.splice(0), advance: { subscriptionId: sub.id, seq: cursor } };
      saved = cursor;
      savedAt = Date.now();
      written = written.then(() => d.write(b)).catch((err: unknown) => void (writeFailed ??= err));
      return written;
    };
    let current: Subscription | undefined = sub;
    try {
      while (!stopped() && !writeFailed) {
        // A subscription deleted or disabled meanwhile stops here, not after its whole backlog.
        if (!current || !current.enabled || current.state === 'disabled') return;
        if (current.cursor > cursor) cursor = saved = current.cursor;
        const batch = await d.store.events.after(cursor, scope, BATCH);
        for (const { seq, envelope } of batch) {
          if (!passesFilter(sub, envelope)) {
            cursor = seq;
            continue;
          }
          // A lease that ran out (a long stall) may be another node's now: one delivery in flight cluster-wide.
          if (!(await holdLease(sub.id))) return;
          const result = await attempts(sub, secrets, envelope, state === 'queued', log);
          if (!result.ok) {
            await flush();
            return await onFailure(sub, result, failures + 1);
          }
          cursor = seq;
          if (state !== 'active' || log.length >= FLUSH_EVERY || Date.now() - savedAt >= FLUSH_AFTER_MS) void flush();
          if (state !== 'active') {
            state = 'active';
            failures = 0;
            await d.store.subscriptions.setState(sub.id, { state: 'active', failures: 0, nextAttemptAt: null });
            d.log.info({ subscriptionId: sub.id, subscriptionLabel: sub.label }, 'subscription endpoint is back; draining its backlog');
          }
        }
        void flush();
        // A short batch was the end of the log when it was read; an event committed since then
        // kicked this worker (workers.ts runs it again), so nothing is left behind by stopping.
        if (batch.length < BATCH) break;
        await holdLease(sub.id);
        current = await d.store.subscriptions.get(sub.id);
      }
    } finally {
      await flush();
    }
    if (writeFailed) throw writeFailed;
  }

  async function onFailure(sub: Subscription, result: AttemptResult, failures: number): Promise<void> {
    if (result.gone) {
      d.log.warn({ subscriptionId: sub.id, subscriptionLabel: sub.label }, 'subscriber answered 410 Gone; subscription disabled');
      await d.store.subscriptions.setState(sub.id, { state: 'disabled', reason: 'endpoint answered 410 Gone', failures });
      await d.interest.refresh();
      return;
    }
    const wait = Math.max(result.retryAfterMs ?? 0, probeBackoffMs(failures, d.probeMaxMs));
    const at = Date.now() + wait;
    d.log.warn({ subscriptionId: sub.id, subscriptionLabel: sub.label, failures, error: result.error, retryAt: new Date(at) }, 'deliveries failing; subscription queued');
    await d.store.subscriptions.setState(sub.id, { state: 'queued', reason: result.error, failures, nextAttemptAt: new Date(at).toISOString() });
    scheduleAt(sub.id, at);
  }

  return drain;
}
