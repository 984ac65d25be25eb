// waitFor(): promises that settle once the delivery log reaches a length, so
// tests wait on the event instead of sleeping.

import type { ReceivedDelivery } from './types.js';

interface Waiter {
  count: number;
  resolve: (deliveries: ReceivedDelivery[]) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export function createWaiters(deliveries: ReceivedDelivery[], rejected: ReceivedDelivery[]) {
  const waiters = new Set<Waiter>();
  let closed = false;

  const settle = (waiter: Waiter, outcome: { ok: ReceivedDelivery[] } | { err: Error }) => {
    clearTimeout(waiter.timer);
    waiters.delete(waiter);
    if ('ok' in outcome) waiter.resolve(outcome.ok);
    else waiter.reject(outcome.err);
  };

  return {
    /** A snapshot, so later deliveries do not change what the caller asserts on. */
    wait(count: number, timeoutMs: number): Promise<ReceivedDelivery[]> {
      if (deliveries.length >= count) return Promise.resolve([...deliveries]);
      if (closed) return Promise.reject(new Error('receiver closed'));
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          // The counts say whether the gateway never sent, or sent and was refused.
          const err = new Error(`waitFor(${count}): ${deliveries.length} deliveries, ${rejected.length} rejected after ${timeoutMs} ms`);
          settle(waiter, { err });
        }, timeoutMs);
        const waiter: Waiter = { count, resolve, reject, timer };
        waiters.add(waiter);
      });
    },

    /** Called after every accepted delivery. */
    check(): void {
      for (const waiter of waiters) if (deliveries.length >= waiter.count) settle(waiter, { ok: [...deliveries] });
    },

    close(): void {
      closed = true;
      for (const waiter of waiters) settle(waiter, { err: new Error('receiver closed') });
    },
  };
}
