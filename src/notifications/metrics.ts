import { Counter, Gauge, type Registry } from 'prom-client';
import type { Store } from '../store/index.js';
import { ATTEMPT_OUTCOMES, attemptOutcome, noAttempts, type AttemptCounts } from './attempts.js';
import type { AttemptResult } from './delivery/webhookSink.js';
import { scopeOf } from './interest.js';

/** A backlog is counted up to here: past it the number says "far behind" and a bigger count costs a longer scan. */
export const BACKLOG_CAP = 10_000;
/** Subscriptions whose backlog one scrape measures (each is one bounded query). */
const BACKLOG_SUBSCRIPTIONS = 200;

/**
 * A scrape while the database is away still answers, with the values read last: the other
 * series (and /readyz) say what is wrong.
 */
async function keepOnFailure(read: () => Promise<void>): Promise<void> {
  try {
    await read();
  } catch {
    // the previous values stand
  }
}

export interface NotificationMetrics {
  /** An attempt made on this thread (test, redeliver, replay). */
  attempted(result: AttemptResult): void;
  /** A batch the delivery thread counted. */
  attemptsFromThread(counts: AttemptCounts): void;
}

/**
 * Delivery attempts by outcome, summed over the main thread and the delivery thread; the
 * backlogs are read from the store when scraped, so they cover every node's work.
 */
export function createNotificationMetrics(registry: Registry, store: Store): NotificationMetrics {
  const totals = noAttempts();
  new Counter({
    name: 'gateway_notification_attempts_total',
    help: 'Event delivery attempts to subscribers, by outcome (delivered, rejected: an HTTP error, gone: 410, unreachable)',
    labelNames: ['outcome'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const outcome of ATTEMPT_OUTCOMES) this.inc({ outcome }, totals[outcome]);
    },
  });
  new Gauge({
    name: 'gateway_notification_backlog_events',
    help: `Stored events a subscription has not passed yet (its scope, before filters), counted up to ${BACKLOG_CAP}`,
    labelNames: ['subscription_id'] as const,
    registers: [registry],
    async collect() {
      await keepOnFailure(async () => {
        const subs = (await store.subscriptions.list()).filter((s) => s.enabled).slice(0, BACKLOG_SUBSCRIPTIONS);
        const counts = await Promise.all(
          subs.map((s) => store.events.countAfter(s.cursor, scopeOf(s), BACKLOG_CAP)),
        );
        this.reset();
        subs.forEach((s, i) => this.set({ subscription_id: s.id }, counts[i]));
      });
    },
  });
  new Gauge({
    name: 'gateway_session_end_backlog',
    help: 'Session-end calls to providers waiting for delivery (pending in the outbox, all nodes)',
    registers: [registry],
    async collect() {
      await keepOnFailure(async () => this.set(await store.outbox.pendingCount()));
    },
  });
  return {
    attempted: (result) => void totals[attemptOutcome(result)]++,
    attemptsFromThread(counts) {
      for (const outcome of ATTEMPT_OUTCOMES) totals[outcome] += counts[outcome];
    },
  };
}
