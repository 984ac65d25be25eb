// Session-end calls with two nodes claiming from one outbox: each call goes out once, and each
// charger's in stop order, whichever node wrote the row and whichever claims it.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProvider, type Provider } from '../../simulators/provider/index.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { basicPayload, PROVIDER_PASSWORD, PROVIDER_USER } from '../helpers/provider.js';

describe('session-end outbox on two nodes', () => {
  let cluster: TestCluster;
  let provider: Provider;

  beforeAll(async () => {
    provider = await startProvider({ users: { [PROVIDER_USER]: PROVIDER_PASSWORD }, rules: { defaultAllowed: true } });
    cluster = await startTestCluster(2, { outboxRetryBaseMs: 50, outboxRetryMaxMs: 200, outboxPollMs: 50 });
  });
  afterAll(async () => {
    await cluster?.stop();
    await provider?.close();
  });

  it('delivers every session end exactly once, each charger in stop order, while the provider is slow and fails some calls', async () => {
    const [a, b] = cluster.nodes;
    const inst = await a.api('POST', '/api/installations', {
      name: 'cluster-outbox',
      authentication: { mode: 'webhook', authPayload: basicPayload, sessionStartUrl: provider.startUrl, sessionEndUrl: provider.endUrl },
    });
    expect(inst.status).toBe(201);
    const ids = ['CL-OUT-A1', 'CL-OUT-A2', 'CL-OUT-B1', 'CL-OUT-B2'];
    for (const id of ids) expect((await a.api('POST', `/api/installations/${inst.body.id}/chargers`, { id })).status).toBe(201);
    const chargers = ids.map((id) => (id.includes('-A') ? a : b).charger(id));
    await Promise.all(chargers.map((c) => c.connect()));

    // Slow calls keep claims in flight while the other node looks for work; failures make rows wait for a retry.
    // Rules apply in the order given: the first three calls fail, the rest are slow.
    provider.injectFault({ path: 'end', fault: { mode: 'status', status: 503 }, times: 3 });
    provider.injectFault({ path: 'end', fault: { mode: 'latency', ms: 80 } });
    const stopped = new Map<string, number[]>();
    await Promise.all(
      chargers.map(async (c) => {
        const order: number[] = [];
        for (let k = 0; k < 4; k++) {
          const { transactionId } = await c.startTransaction({ connectorId: 1, idTag: 'CL-CARD', meterStart: k * 100 });
          await c.stopTransaction({ transactionId, meterStop: k * 100 + 50 });
          order.push(transactionId);
        }
        stopped.set(c.id, order);
      }),
    );
    const all = [...stopped.values()].flat();
    const mine = new Set(all);
    const delivered = () => provider.received.ends.filter((e) => mine.has(e.body.transactionId as number));
    await expect.poll(() => delivered().length, { timeout: 20_000 }).toBe(all.length);
    // Every row leaves the queue as delivered (once its call is answered: the provider records a
    // call when it arrives and answers 80 ms later); none stays pending for another try.
    const states = async () => Promise.all(all.map(async (id) => (await a.gw.store.outbox.state(`session-end:${id}`))?.status));
    await expect.poll(states, { timeout: 5_000 }).toEqual(all.map(() => 'delivered'));

    expect(new Set(delivered().map((e) => e.body.transactionId)).size).toBe(all.length);
    for (const [chargerId, order] of stopped) {
      const seen = delivered().filter((e) => e.body.chargerId === chargerId).map((e) => e.body.transactionId);
      expect(seen, chargerId).toEqual(order);
    }
    expect(provider.received.faulted.filter((f) => f.path === 'end')).toHaveLength(3);
    provider.clearFaults();
  });
});
