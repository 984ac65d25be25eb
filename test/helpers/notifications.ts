import { startReceiver, type Receiver, type ReceiverOptions } from '../../simulators/receiver/index.js';
import type { TestGateway } from './gateway.js';

export const RECEIVER_SECRET = 'receiver-secret-0123456789abcdef';

export async function receiver(opts: Partial<ReceiverOptions> = {}): Promise<Receiver> {
  return startReceiver({ secret: RECEIVER_SECRET, scheme: 'hmac-sha256', ...opts });
}

/** Receivers a test file starts as it goes, closed together at the end. */
export function receiverPool() {
  const started: Receiver[] = [];
  return {
    async start(opts: Partial<ReceiverOptions> = {}): Promise<Receiver> {
      const r = await receiver(opts);
      started.push(r);
      return r;
    },
    closeAll: () => Promise.all(started.map((r) => r.close())),
  };
}

/** Creates a subscription through the API; fails the test with the API's answer otherwise. */
export async function subscribe(t: Pick<TestGateway, 'api'>, body: Record<string, unknown>) {
  const res = await t.api('POST', '/api/subscriptions', { label: 'test', secret: RECEIVER_SECRET, ...body });
  if (res.status !== 201) throw new Error(`subscribe: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export const types = (r: Receiver) => r.deliveries.map((d) => d.body.type as string);
