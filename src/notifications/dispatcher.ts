import type { Logger } from '../log.js';
import type { Store } from '../store/index.js';
import type { Subscription, SubscriptionSecrets } from '../store/subscriptions.js';
import type { Envelope } from './catalogue.js';
import { deliverOnce, type DeliverDeps } from './deliver.js';
import { passesFilter, wantsBlocking, type Interest } from './interest.js';
import type { AttemptResult } from './webhookSink.js';
import type { DeliveryRecord } from '../store/deliveries.js';
import type { Bookkeeper } from './bookkeeping.js';

export interface DispatcherDeps {
  store: Store;
  /** Writes attempt rows and cursors (through the main thread on SQLite: bookkeeping.ts). */
  write: Bookkeeper;
  deliver: DeliverDeps;
  interest: Interest;
  log: Logger;
  nodeId: string;
  retryDelaysMs: number[];
  probeMaxMs: number;
  /** Other nodes may share the database (PostgreSQL): look for backlogs they left now and then. */
  clustered?: boolean;
}

/** A Retry-After longer than this queues the subscription instead of waiting inside the retries. */
const MAX_INLINE_WAIT_MS = 5000;
const LEASE_MS = 60_000;
/**
 * A worker keeps its subscription's lease while events keep coming, renewing it at half time,
 * and gives it back after this long idle: two writes per drain (take, give back) were most of
 * the delivery thread's writes, and each one held SQLite's write lock against the charger path.
 */
const IDLE_RELEASE_MS = 2000;
const BATCH = 100;
/** How often a clustered node looks for subscriptions with events no worker of its own was woken for. */
const BACKLOG_CHECK_MS = 5000;
/** At most this many deliveries, or this long, between writes of the cursor and the attempt log. */
const FLUSH_EVERY = 20;
const FLUSH_AFTER_MS = 200;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Worker {
  running?: Promise<void>;
  again: boolean;
  timer?: NodeJS.Timeout;
  /** Until when this node holds the subscription's lease, as far as this worker knows (0: not held). */
  leasedUntil: number;
  idle?: NodeJS.Timeout;
}

export function probeBackoffMs(failures: number, maxMs: number): number {
  return Math.min(maxMs, 1000 * 2 ** Math.max(0, failures - 1));
}

/**
 * One worker per subscription, each on its own: a slow or dead endpoint holds up only its own
 * subscription. A worker reads the event log after its cursor, in order, one delivery in flight;
 * the cursor moves only after a 2xx, so a crash mid-delivery repeats that event, never skips it.
 */
export function createDispatcher(d: DispatcherDeps) {
  const workers = new Map<string, Worker>();
  let stopped = true;
  const worker = (id: string) => {
    let w = workers.get(id);
    if (!w) workers.set(id, (w = { again: false, leasedUntil: 0 }));
    return w;
  };

  function kick(id: string): void {
    if (stopped) return;
    const w = worker(id);
    if (w.running) {
      w.again = true;
      return;
    }
    runJob(id, w, () => drain(id).catch((err) => d.log.error({ err, subscriptionId: id }, 'notification worker failed')));
  }

  /** One job at a time per subscription; a kick that came meanwhile runs a drain after it. */
  function runJob(id: string, w: Worker, job: () => Promise<void>): void {
    w.running = job().finally(() => {
      w.running = undefined;
      if (w.again) {
        w.again = false;
        kick(id);
      }
    });
  }

  /** Takes or renews the lease in the store only when it is not held or past half its time. */
  async function holdLease(id: string): Promise<boolean> {
    const w = worker(id);
    const now = Date.now();
    if (w.leasedUntil - now > LEASE_MS / 2) return true;
    const held = await d.store.subscriptions.lease(id, d.nodeId, LEASE_MS);
    w.leasedUntil = held ? now + LEASE_MS : 0;
    return held;
  }

  /** Gives the lease back once the worker has been idle a while (another node may need it). */
  function releaseWhenIdle(id: string): void {
    const w = worker(id);
    if (w.idle) clearTimeout(w.idle);
    w.idle = setTimeout(() => {
      if (w.running || w.leasedUntil === 0) return;
      w.leasedUntil = 0;
      // As a job of the worker, so a drain starting meanwhile waits and takes the lease afresh.
      runJob(id, w, () =>
        d.store.subscriptions.release(id, d.nodeId).catch((err) => d.log.warn({ err, subscriptionId: id }, 'could not release a subscription lease')),
      );
    }, IDLE_RELEASE_MS);
    w.idle.unref();
  }

  function scheduleAt(id: string, at: number): void {
    const w = worker(id);
    if (w.timer) clearTimeout(w.timer);
    w.timer = setTimeout(() => kick(id), Math.max(0, at - Date.now()));
    w.timer.unref();
  }

  /** The first attempt and up to three quick retries, or a single probe for a queued subscription. */
  async function attempts(sub: Subscription, secrets: SubscriptionSecrets, e: Envelope, probe: boolean, log: DeliveryRecord[]): Promise<AttemptResult> {
    const delays = probe ? [] : d.retryDelaysMs;
    let result = await deliverOnce(d.deliver, sub, secrets, e, { attempt: 1, mode: probe ? 'probe' : 'queue', log });
    for (let i = 0; i < delays.length && !result.ok && !result.gone && !stopped; i++) {
      const wait = Math.max(delays[i], result.retryAfterMs ?? 0);
      if (wait > MAX_INLINE_WAIT_MS) break;
      await sleep(wait);
      result = await deliverOnce(d.deliver, sub, secrets, e, { attempt: i + 2, mode: 'retry', log });
    }
    return result;
  }

  async function drain(id: string): Promise<void> {
    const sub = await d.store.subscriptions.get(id);
    if (!sub || !sub.enabled || sub.state === 'unverified' || sub.state === 'disabled') return;
    const due = sub.nextAttemptAt ? Date.parse(sub.nextAttemptAt) : 0;
    if (sub.state === 'queued' && due > Date.now()) return scheduleAt(id, due);
    if (!(await holdLease(id))) return scheduleAt(id, Date.now() + 1000);
    try {
      await work(sub);
    } finally {
      releaseWhenIdle(id);
    }
  }

  async function work(sub: Subscription): Promise<void> {
    const secrets = (await d.store.subscriptions.secrets(sub.id))!;
    const scope = { installationId: sub.installationId, types: sub.events.includes('*') ? ('*' as const) : sub.events };
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
    try {
      while (!stopped) {
        if (writeFailed) break;
        // A subscription deleted or disabled meanwhile stops here, not after its whole backlog.
        const current = await d.store.subscriptions.get(sub.id);
        if (!current || !current.enabled || current.state === 'disabled') return;
        // Read after the lease was taken: another node may have moved the cursor since `sub` was read.
        if (current.cursor > cursor) cursor = saved = current.cursor;
        const batch = await d.store.events.after(cursor, scope, BATCH);
        if (batch.length === 0) break;
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
            d.log.info({ subscriptionId: sub.id }, 'subscription endpoint is back; draining its backlog');
          }
        }
        void flush();
        await holdLease(sub.id);
      }
    } finally {
      await flush();
    }
    if (writeFailed) throw writeFailed;
  }

  async function onFailure(sub: Subscription, result: AttemptResult, failures: number): Promise<void> {
    if (result.gone) {
      d.log.warn({ subscriptionId: sub.id }, 'subscriber answered 410 Gone; subscription disabled');
      await d.store.subscriptions.setState(sub.id, { state: 'disabled', reason: 'endpoint answered 410 Gone', failures });
      await d.interest.refresh();
      return;
    }
    const wait = Math.max(result.retryAfterMs ?? 0, probeBackoffMs(failures, d.probeMaxMs));
    const at = Date.now() + wait;
    d.log.warn({ subscriptionId: sub.id, failures, error: result.error, retryAt: new Date(at) }, 'deliveries failing; subscription queued');
    await d.store.subscriptions.setState(sub.id, { state: 'queued', reason: result.error, failures, nextAttemptAt: new Date(at).toISOString() });
    scheduleAt(sub.id, at);
  }

  /**
   * For subscriptions that asked for these events blocking: send now, before the charger gets
   * its reply, bounded by the subscription's timeout. Only when the subscription is caught up
   * (order first); anything that fails or would overtake is left to the queue.
   */
  async function deliverBlocking(envelopes: Envelope[]): Promise<void> {
    const jobs: Promise<void>[] = [];
    for (const e of envelopes) {
      for (const sub of await d.interest.matching(e)) {
        if (!wantsBlocking(sub, e.type)) continue;
        if (sub.state !== 'active') continue;
        const w = worker(sub.id);
        // A worker that is merely checking for work (just kicked, perhaps kicked again) should
        // not cost the subscriber its blocking send: wait for it within the same bound.
        const until = Date.now() + sub.blockingTimeoutMs;
        while (w.running && Date.now() < until) await Promise.race([w.running, sleep(until - Date.now())]);
        if (w.running) continue;
        // The charger waits for the attempt; the worker also for its record and cursor, so its
        // next drain does not send the event again.
        const sent = blockingSend(sub, e);
        w.running = sent
          .then((s) => s.saved)
          .finally(() => {
            w.running = undefined;
          });
        jobs.push(sent.then(() => undefined));
      }
    }
    await Promise.all(jobs);
  }

  /** Resolves once the attempt is made; `saved` once it is recorded (and the cursor moved). */
  async function blockingSend(cached: Subscription, e: Envelope): Promise<{ saved: Promise<void> }> {
    const nothing = { saved: Promise.resolve() };
    // The interest list is a snapshot; the cursor must be the stored one, read under the lease
    // (read before it, it could be one another node has moved since).
    if (!(await holdLease(cached.id))) return nothing;
    try {
      const sub = await d.store.subscriptions.get(cached.id);
      if (!sub || sub.state !== 'active') return nothing;
      const scope = { installationId: sub.installationId, types: sub.events.includes('*') ? ('*' as const) : sub.events };
      const [head] = await d.store.events.after(sub.cursor, scope, 1);
      if (head?.envelope.id !== e.id) return nothing;
      const secrets = (await d.store.subscriptions.secrets(sub.id))!;
      const log: DeliveryRecord[] = [];
      const result = await deliverOnce(d.deliver, sub, secrets, e, { attempt: 1, mode: 'blocking', timeoutMs: sub.blockingTimeoutMs, log });
      const advance = result.ok ? { subscriptionId: sub.id, seq: head.seq } : undefined;
      const saved = d.write({ rows: log, advance }).catch((err) => d.log.warn({ err, subscriptionId: sub.id }, 'could not record a blocking delivery'));
      return { saved };
    } catch (err) {
      d.log.warn({ err, subscriptionId: cached.id }, 'blocking delivery failed; left to the queue');
      return nothing;
    } finally {
      releaseWhenIdle(cached.id);
    }
  }

  /**
   * Events another node wrote wake only that node's workers, and a queued subscription's probe
   * timer lives on the node that queued it: if that node died, nothing here would look. So look.
   */
  async function checkBacklog(): Promise<void> {
    await d.interest.refresh();
    for (const sub of d.interest.all) {
      if (stopped) return;
      if (worker(sub.id).running) continue;
      const current = await d.store.subscriptions.get(sub.id);
      if (!current || current.state === 'unverified') continue;
      const scope = { installationId: current.installationId, types: current.events.includes('*') ? ('*' as const) : current.events };
      if ((await d.store.events.after(current.cursor, scope, 1)).length > 0) kick(sub.id);
    }
  }
  let backlogTimer: NodeJS.Timeout | undefined;

  return {
    start() {
      stopped = false;
      for (const sub of d.interest.all) kick(sub.id);
      if (!d.clustered) return;
      backlogTimer = setInterval(() => void checkBacklog().catch((err) => d.log.warn({ err }, 'backlog check failed')), BACKLOG_CHECK_MS);
      backlogTimer.unref();
    },
    kick,
    /** After a commit that wrote events: blocking deliveries first, then wake the workers. */
    async published(envelopes: Envelope[]): Promise<void> {
      if (envelopes.length === 0) return;
      await deliverBlocking(envelopes);
      const ids = new Set<string>();
      for (const e of envelopes) for (const sub of await d.interest.matching(e)) ids.add(sub.id);
      for (const id of ids) kick(id);
    },
    async stop() {
      stopped = true;
      clearInterval(backlogTimer);
      for (const w of workers.values()) {
        if (w.timer) clearTimeout(w.timer);
        if (w.idle) clearTimeout(w.idle);
      }
      await Promise.all([...workers.values()].map((w) => w.running));
      // Leases still held go back now: another node (or this one restarted) takes over at once.
      const held = [...workers].filter(([, w]) => w.leasedUntil > 0);
      await Promise.all(held.map(([id]) => d.store.subscriptions.release(id, d.nodeId).catch(() => undefined)));
    },
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
