// A charger that reconnects to another node while its old socket is still open (half-open after
// a network change): the new connection wins cluster-wide and the old node closes its socket.

import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster, type TestNode } from '../helpers/cluster.js';
import { receiver, subscribe } from '../helpers/notifications.js';
import type { Receiver } from '../../simulators/receiver/index.js';

describe('charger takeover between nodes', () => {
  let cluster: TestCluster;
  let a: TestNode;
  let b: TestNode;
  let r: Receiver;

  beforeAll(async () => {
    cluster = await startTestCluster(2);
    [a, b] = cluster.nodes;
    r = await receiver();
    await cluster.installation(['CL-TAKE-1']);
    await subscribe(a, { url: r.url, events: ['charger.connected', 'charger.disconnected'] });
    // B learns of A's new subscription within a few seconds; now, for the test.
    await b.gw.notifications.interest.refresh();
  });
  afterAll(async () => {
    await cluster?.stop();
    await r?.close();
  });

  const view = async (node: TestNode) => (await node.api('GET', '/api/chargers/CL-TAKE-1')).body;

  it('closes the old socket on A, shows the charger online on B from either node, and A’s close does not take it offline', async () => {
    const onA = a.charger('CL-TAKE-1');
    await onA.connect();
    await onA.boot();
    await expect.poll(() => view(b)).toMatchObject({ online: true, nodeId: a.gw.config.nodeId });

    const closedOnA = once(onA, 'close');
    const onB = b.charger('CL-TAKE-1');
    await onB.connect();
    const [code, reason] = await closedOnA;
    expect(code).toBe(1000);
    expect(reason).toMatch(/another gateway node/);

    for (const node of [a, b]) expect(await view(node)).toMatchObject({ online: true, nodeId: b.gw.config.nodeId });
    // The charger still answers on B, whichever node the API call reaches.
    onB.onCall('ClearCache', () => ({ status: 'Accepted' }));
    expect((await a.api('POST', '/api/chargers/CL-TAKE-1/commands/ClearCache', {})).body).toEqual({ action: 'ClearCache', result: { status: 'Accepted' } });

    // A has handled the close of its socket by now; the charger is online on B all the same.
    await expect.poll(() => a.logs.some((l) => l.chargerId === 'CL-TAKE-1' && l.msg === 'charger disconnected')).toBe(true);
    await onB.close();
    await expect.poll(() => r.deliveries.map((d) => [d.body.type, d.body.data.nodeId]), { timeout: 10_000 }).toEqual([
      ['charger.connected', a.gw.config.nodeId],
      ['charger.connected', b.gw.config.nodeId],
      ['charger.disconnected', b.gw.config.nodeId],
    ]);
    expect(await view(a)).toMatchObject({ online: false, nodeId: null });
  });
});
