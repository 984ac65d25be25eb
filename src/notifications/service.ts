import type { Logger } from '../log.js';
import type { Store } from '../store/index.js';
import { randomUUID } from 'node:crypto';
import type { Subscription, SubscriptionSecrets } from '../store/subscriptions.js';
import type { HttpClient } from '../http/client.js';
import { runChallenge, type ChallengeResult } from './challenge.js';
import { deliverOnce, type DeliverDeps } from './delivery/deliver.js';
import type { Envelope } from '../store/envelope.js';
import { createDeliveryThread } from './deliveryThread.js';
import type { ThreadInit } from './delivery/protocol.js';
import { createInterest, scopeOf, wants, wantsBlocking } from './interest.js';
import { createRecorder, envelope } from './record.js';
import { exampleEnvelope } from './examples.js';
import type { EventType } from './catalogue.js';
import { createLazyKafkaPool } from './delivery/kafka/lazy.js';
import type { AddressPolicy } from '../http/addressPolicy.js';
import type { AttemptResult } from './delivery/webhookSink.js';
import type { DeliveryRecord } from '../store/deliveries.js';
import type { Registry as MetricsRegistry } from 'prom-client';
import { createNotificationMetrics } from './metrics.js';

export interface NotificationsDeps {
  store: Store;
  http: HttpClient;
  /** The outbound address policy the HTTP client applies, for Kafka brokers too. */
  outbound: AddressPolicy;
  log: Logger;
  retentionHours: number;
  /** Installations a live stream watches on this node: their events are stored for it. */
  watched?(installationId: string): boolean;
  /** Where delivery attempts and backlogs are registered (served at /metrics). */
  metrics: MetricsRegistry;
  /** CALLs chargers made so far on this node: deliveries are paced only while they come fast (pace.ts). */
  chargerCalls?: () => number;
  /** What the delivery thread opens its own store and clients from. */
  thread: ThreadInit;
}

const HOUR = 3600_000;
const REPLAY_LOG_BATCH = 100;
/** "Retry all failed" sends at most this many events per request; a longer outage is what replay is for. */
const RETRY_FAILED_MAX = 10_000;

/** Events out: what subscribers want, the workers that deliver it, and the operator's actions. */
export function createNotifications(n: NotificationsDeps) {
  const kafka = createLazyKafkaPool(n.outbound);
  const metrics = createNotificationMetrics(n.metrics, n.store);
  const interest = createInterest(() => n.store.subscriptions.list());
  // The subscription workers run on a thread of their own (delivery/entry.ts); this side records
  // events and answers the API's on-demand sends. The thread writes the attempt log (this
  // side's attempts too) and the cursors.
  const thread = createDeliveryThread(n.thread, n.log, metrics.attemptsFromThread, n.chargerCalls);
  const deliver: DeliverDeps = { http: n.http, kafka, deliveries: { record: (row) => thread.record([row]) }, attempted: metrics.attempted };
  // A blocking subscription makes the charger's reply wait until the thread has tried it.
  const blocking = (envelopes: Envelope[]) =>
    envelopes.some((e) => interest.matchingNow(e).some((sub) => wantsBlocking(sub, e.type)));
  const recorder = createRecorder({ interest, watched: n.watched, published: (envelopes) => thread.published(envelopes, blocking(envelopes)) });
  let pruneTimer: NodeJS.Timeout | undefined;

  async function prune(): Promise<void> {
    const before = new Date(Date.now() - n.retentionHours * HOUR).toISOString();
    await thread.prune(before);
    await n.store.events.prune(before, await n.store.subscriptions.minCursor());
  }

  async function secretsOf(sub: Subscription) {
    return (await n.store.subscriptions.secrets(sub.id))!;
  }

  /** A charger of the subscription's installation, so a test event names one the owner knows. */
  async function aChargerOf(sub: Subscription): Promise<string | undefined> {
    if (!sub.installationId) return undefined;
    return sub.filter.chargers?.[0] ?? (await n.store.chargers.listByInstallation(sub.installationId))[0]?.id;
  }

  function sendInBackground(sub: Subscription, secrets: SubscriptionSecrets, envelopes: Envelope[], mode: string): void {
    void (async () => {
      // Logged in batches: the thread writes the log, a round trip each would pace the sending.
      const log: DeliveryRecord[] = [];
      try {
        for (const e of envelopes) {
          await deliverOnce(deliver, sub, secrets, e, { attempt: 1, mode, log });
          if (log.length >= REPLAY_LOG_BATCH) await thread.record(log.splice(0));
        }
      } finally {
        await thread.record(log);
      }
    })().catch((err) => n.log.warn({ err, subscriptionId: sub.id, subscriptionLabel: sub.label }, `${mode} stopped`));
  }

  return {
    recorder,
    interest,
    async start() {
      await interest.refresh();
      if (interest.all.length > 0) await thread.start();
      await prune().catch((err) => n.log.warn({ err }, 'notification pruning failed'));
      pruneTimer = setInterval(() => void prune().catch((err) => n.log.warn({ err }, 'notification pruning failed')), HOUR);
      pruneTimer.unref();
    },
    async stop() {
      if (pruneTimer) clearInterval(pruneTimer);
      await thread.stop();
      await kafka.close();
    },

    /** After a subscription was created or changed through the API. */
    async changed(sub: Subscription) {
      await interest.refresh();
      thread.changed(sub.id);
    },

    /** The ownership challenge; a pass makes the subscription active from the current end of the log. */
    async verify(sub: Subscription): Promise<ChallengeResult> {
      const result = await runChallenge(n.http, sub, (await secretsOf(sub)).secret, sub.timeoutMs);
      if (result.verified) {
        await n.store.subscriptions.update(sub.id, {}, { cursor: await n.store.events.lastSeq() });
        await n.store.subscriptions.setState(sub.id, { state: 'active', failures: 0, nextAttemptAt: null });
      } else {
        await n.store.subscriptions.setState(sub.id, { state: 'unverified', reason: result.reason });
      }
      await this.changed(sub);
      return result;
    },

    /** Sends `type`'s catalogue example (subscription.test when none is picked) now, logged as a test. */
    async test(sub: Subscription, type?: EventType): Promise<AttemptResult & { eventId: string }> {
      const installationId = sub.installationId ?? '*';
      const e =
        type && type !== 'subscription.test'
          ? exampleEnvelope(type, { id: randomUUID(), occurredAt: new Date().toISOString(), installationId, chargerId: await aChargerOf(sub) })
          : envelope('subscription.test', installationId, undefined, { subscriptionId: sub.id, message: 'Test event from the gateway' });
      const result = await deliverOnce(deliver, sub, await secretsOf(sub), e, { attempt: 1, mode: 'test' });
      return { ...result, eventId: e.id };
    },

    /** Sends one stored event again, now, whatever the cursor says. */
    async redeliver(sub: Subscription, eventId: string): Promise<AttemptResult | undefined> {
      const stored = await n.store.events.byId(eventId);
      if (!stored || (sub.installationId && stored.envelope.installationId !== sub.installationId)) return undefined;
      return deliverOnce(deliver, sub, await secretsOf(sub), stored.envelope, { attempt: 1, mode: 'redeliver' });
    },

    /** Sends again, in order and in the background, every stored event of a time window the subscription wants. */
    async replay(sub: Subscription, from: string, to: string): Promise<number> {
      const events = (await n.store.events.window(from, to, scopeOf(sub), 10_000)).filter((e) => wants(sub, e.envelope));
      sendInBackground(sub, await secretsOf(sub), events.map((e) => e.envelope), 'replay');
      return events.length;
    },

    /**
     * Sends again, in log order and in the background, the events whose attempts since `since` all
     * failed. Those still ahead of an enabled subscription's cursor are left to its queue, which sends them anyway.
     */
    async retryFailed(sub: Subscription, since: string): Promise<number> {
      const stored = await n.store.events.byIds(await n.store.deliveries.failedEventIds(sub.id, since, RETRY_FAILED_MAX));
      const now = (await n.store.subscriptions.get(sub.id)) ?? sub;
      const queued = (seq: number) => now.enabled && seq > now.cursor;
      // Pruned events are gone; another installation's never belonged here.
      const envelopes = stored.filter((e) => !queued(e.seq) && (!sub.installationId || e.envelope.installationId === sub.installationId)).map((e) => e.envelope);
      sendInBackground(sub, await secretsOf(sub), envelopes, 'redeliver');
      return envelopes.length;
    },
    prune,
  };
}

export type Notifications = ReturnType<typeof createNotifications>;
