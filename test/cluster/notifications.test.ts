// Notifications when a node dies mid-delivery: its subscription lease goes back when it is swept
// and a live node, which wrote none of those events itself, delivers them.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimCharger } from '../../simulators/charger/charger.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { receiver, subscribe } from '../helpers/notifications.js';
import type { Receiver } from '../../simulators/receiver/index.js';

describe('notifications across nodes', () => {
  let cluster: TestCluster;
  let r: Receiver;

  beforeAll(async () => {
    cluster = await startTestCluster(1);
    r = await receiver();
  });
  afterAll(async () => {
    await cluster?.stop();
    await r?.close();
  });

  it('delivers the events of a node killed mid-delivery from another node', async () => {
    const [a] = cluster.nodes;
    await cluster.installation(['CL-NOTE-1']);
    // Only boots: the survivor writes no event of this type, so nothing of its own wakes its worker.
    await subscribe(a, { url: r.url, events: ['charger.booted'] });
    const victim = await cluster.spawn();
    r.injectFault({ fault: { mode: 'hang' } });
    const c = new SimCharger({ url: `ws://127.0.0.1:${victim.ocppPort}/ocpp`, id: 'CL-NOTE-1', callTimeoutMs: 5000 });
    await c.connect();
    await c.boot();
    // The victim holds the subscription's lease, its request hanging at the receiver.
    await expect.poll(() => r.requests.some((q) => q.fault === 'hang'), { timeout: 10_000 }).toBe(true);
    await victim.kill('SIGKILL');
    r.clearFaults();
    await expect.poll(() => r.deliveries.map((d) => [d.body.type, d.body.chargerId]), { timeout: 30_000 }).toEqual([['charger.booted', 'CL-NOTE-1']]);
  }, 90_000);
});
