// A charger that reconnects to another node while its old socket is still open (half-open after
// a network change): the new connection wins cluster-wide and the old node closes its socket.

import { once } from 'node:events';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelOf } from '../../src/cluster/bus.js';
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
  it('closes the old socket also when the takeover happened while A’s listener was reconnecting', async () => {
    await cluster.installation(['CL-TAKE-2']);
    const onA = a.charger('CL-TAKE-2');
    await onA.connect();
    await expect.poll(async () => (await a.gw.store.chargers.get('CL-TAKE-2'))?.nodeId).toBe(a.gw.config.nodeId);
    const closedOnA = once(onA, 'close');
    const reconnects = a.logs.filter((l) => l.msg === 'cluster listener reconnected').length;
    // The server cuts A's listener; B takes the charger over while A may not be listening.
    await sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query = ${`LISTEN ${channelOf(a.gw.config.nodeId)}`}`.execute(a.gw.store.db);
    const onB = b.charger('CL-TAKE-2');
    await onB.connect();
    await closedOnA;
    await expect.poll(() => a.logs.filter((l) => l.msg === 'cluster listener reconnected').length, { timeout: 10_000 }).toBe(reconnects + 1);
    expect((await a.api('GET', '/api/chargers/CL-TAKE-2')).body).toMatchObject({ online: true, nodeId: b.gw.config.nodeId });
  });
});
