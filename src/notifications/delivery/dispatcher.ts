import type { Subscription } from '../../store/subscriptions.js';
import type { DeliveryRecord } from '../../store/deliveries.js';
import type { Envelope } from '../../store/envelope.js';
import { deliverOnce } from './deliver.js';
import { scopeOf, wantsBlocking } from '../interest.js';
import { createDrain, type DrainDeps } from './drain.js';
import { createWorkers } from './workers.js';

export { probeBackoffMs } from './drain.js';

export interface DispatcherDeps extends DrainDeps {
  nodeId: string;
  /** Other nodes may share the database (PostgreSQL): look for backlogs they left now and then. */
  clustered?: boolean;
}

/** How often a clustered node looks for subscriptions with events no worker of its own was woken for. */
const BACKLOG_CHECK_MS = 5000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One worker per subscription (workers.ts), each on its own: a slow or dead endpoint holds up
 * only its own subscription. Each drains its subscription's events in order (drain.ts); events
 * asked for blocking are sent here first, before the charger gets its reply.
 */
export function createDispatcher(d: DispatcherDeps) {
  // Each needs the other: workers run the drain, the drain uses their leases and timers.
  // Only a kick after start() runs it, long after `drain` is set below.
  const workers = createWorkers({ store: d.store, log: d.log, nodeId: d.nodeId, clustered: d.clustered, drain: (id) => drain(id) });
  const drain = createDrain(d, workers);
  const { worker, kick, holdLease, releaseWhenIdle } = workers;

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
        // As a job of the worker: a kick that comes meanwhile (this very event's, once the
        // attempt is made) runs a drain after it, which sends the event if the attempt failed.
        workers.runJob(sub.id, w, () => sent.then((s) => s.saved));
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
      const read = await d.store.subscriptions.withSecrets(cached.id);
      if (!read || read.subscription.state !== 'active') return nothing;
      const { subscription: sub, secrets } = read;
      const [head] = await d.store.events.after(sub.cursor, scopeOf(sub), 1);
      if (head?.envelope.id !== e.id) return nothing;
      const log: DeliveryRecord[] = [];
      const result = await deliverOnce(d.deliver, sub, secrets, e, { attempt: 1, mode: 'blocking', timeoutMs: sub.blockingTimeoutMs, log });
      const advance = result.ok ? { subscriptionId: sub.id, seq: head.seq } : undefined;
      const saved = d.write({ rows: log, advance }).catch((err) => d.log.warn({ err, subscriptionId: sub.id, subscriptionLabel: sub.label }, 'could not record a blocking delivery'));
      return { saved };
    } catch (err) {
      d.log.warn({ err, subscriptionId: cached.id, subscriptionLabel: cached.label }, 'blocking delivery failed; left to the queue');
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
      if (workers.stopped()) return;
      if (worker(sub.id).running) continue;
      const current = await d.store.subscriptions.get(sub.id);
      if (!current || current.state === 'unverified') continue;
      if ((await d.store.events.after(current.cursor, scopeOf(current), 1)).length > 0) kick(sub.id);
    }
  }
  let backlogTimer: NodeJS.Timeout | undefined;

  return {
    start() {
      workers.start();
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
      clearInterval(backlogTimer);
      await workers.stop();
    },
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
