// Child process entry for the event receiver in the notifications scenario (see
// receiver-process.ts). It keeps counts and a latency histogram, not the
// deliveries themselves, and answers the parent's questions over IPC.

import { Histogram } from '../../../simulators/charger/stats.js';
import { startReceiver } from '../../../simulators/receiver/index.js';
import type { ReceivedDelivery } from '../../../simulators/receiver/index.js';
import { RECEIVER_SECRET, type FromReceiver, type ReceiverCounts, type ToReceiver } from './receiver-process.js';

// The simulator keeps every delivery for tests to inspect; at bench rates that is
// hundreds of MB a minute, and its GC pauses would show up as receiver latency.
const FORGET_EVERY_MS = 1_000;
const STOP_TIMEOUT_MS = 10_000;

/** What one window (between resets) has seen. */
class Window {
  readonly latency = new Histogram();
  readonly perSubscription = new Map<string, number>();
  firstAt = 0;
  lastAt = 0;

  take(delivery: ReceivedDelivery): void {
    const occurredAt = Date.parse(String(delivery.body?.occurredAt));
    if (Number.isFinite(occurredAt)) this.latency.record(delivery.at - occurredAt);
    const sub = String(delivery.headers['x-subscription-id'] ?? '-');
    this.perSubscription.set(sub, (this.perSubscription.get(sub) ?? 0) + 1);
    this.firstAt ||= delivery.at;
    this.lastAt = delivery.at;
  }

  perSubscriptionSummary(): ReceiverCounts['perSubscription'] {
    const counts = [...this.perSubscription.values()];
    return { subscriptions: counts.length, min: counts.length ? Math.min(...counts) : 0, max: counts.length ? Math.max(...counts) : 0 };
  }
}

async function main(send: (m: FromReceiver) => void): Promise<void> {
  let delivered = 0;
  let rejected = 0;
  let window = new Window();
  const receiver = await startReceiver({
    secret: RECEIVER_SECRET,
    scheme: 'hmac-sha256',
    onReceived: (delivery, status) => {
      if (status >= 300) return void rejected++;
      delivered++;
      window.take(delivery);
    },
  });
  const forget = setInterval(() => {
    receiver.deliveries.length = 0;
    receiver.rejected.length = 0;
    receiver.requests.length = 0;
  }, FORGET_EVERY_MS);

  const counts = (): ReceiverCounts => ({
    delivered,
    rejected,
    attempts: receiver.attempts(),
    latencyMs: window.latency.summary(),
    perSubscription: window.perSubscriptionSummary(),
    firstAt: window.firstAt,
    lastAt: window.lastAt,
  });

  process.on('message', async (m: ToReceiver) => {
    const reply = (extra: { counts?: ReceiverCounts } = {}) => send({ type: 'reply', id: m.id, ...extra });
    if (m.op === 'counts') return reply({ counts: counts() });
    if (m.op === 'reset') {
      window = new Window();
      return reply();
    }
    if (m.op === 'fail') {
      receiver.injectFault({ fault: { mode: 'status', status: m.status } });
      return reply();
    }
    if (m.op === 'clear-faults') {
      receiver.clearFaults();
      return reply();
    }
    if (m.op === 'stop') {
      const forced = setTimeout(() => process.exit(0), STOP_TIMEOUT_MS);
      clearInterval(forget);
      await receiver.close().catch(() => {});
      clearTimeout(forced);
      // Exit once the reply is out, so the parent is not left waiting for it.
      process.send?.({ type: 'reply', id: m.id } satisfies FromReceiver, undefined, {}, () => process.exit(0));
    }
  });
  send({ type: 'ready', url: receiver.url });
}

// Only as a forked bench child: without an IPC channel there is nobody to report to.
if (process.send) {
  const send = (m: FromReceiver) => process.send?.(m);
  process.on('disconnect', () => process.exit(0)); // a parent gone must not leave a server behind
  main(send).catch((err: unknown) => {
    send({ type: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    process.exitCode = 1;
    process.disconnect?.();
  });
}
