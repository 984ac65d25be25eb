// Node presence: a node that dies without cleaning up (SIGKILL) is swept by a live one, its
// chargers marked offline with events; a node that stops on SIGTERM sends its chargers a
// going-away close and leaves the presence table itself.

import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimCharger } from '../../simulators/charger/charger.js';
import { startTestCluster, type TestCluster, type TestNode } from '../helpers/cluster.js';
import { receiver, subscribe } from '../helpers/notifications.js';
import { openTestStore } from '../helpers/databases.js';
import type { Receiver } from '../../simulators/receiver/index.js';

describe('node presence', () => {
  let cluster: TestCluster;
  let a: TestNode;
  let r: Receiver;
  const nodeIds = async () => (await a.gw.store.db.selectFrom('nodes').select('id').execute()).map((n) => n.id).sort();

  beforeAll(async () => {
    cluster = await startTestCluster(1);
    [a] = cluster.nodes;
    r = await receiver();
    await subscribe(a, { url: r.url, events: ['charger.disconnected'] });
  });
  afterAll(async () => {
    await cluster?.stop();
    await r?.close();
  });

  it('gives two processes on one host different node ids, each with a presence row', async () => {
    const b = await cluster.add();
    expect(b.gw.config.nodeId).not.toBe(a.gw.config.nodeId);
    expect(await nodeIds()).toEqual([a.gw.config.nodeId, b.gw.config.nodeId].sort());
    await b.stop();
    expect(await nodeIds()).toEqual([a.gw.config.nodeId]);
  });

  it('sweeps a node killed without cleanup: its chargers go offline with events, commands for them say CHARGER_OFFLINE', async () => {
    const ids = ['CL-DEAD-1', 'CL-DEAD-2'];
    await cluster.installation(ids);
    // A fresh process picks up the subscription at start.
    const victim = await cluster.spawn();
    const victimId = victim.lines.find((l) => l.msg === 'joined the cluster')?.nodeId;
    expect(victimId).toBeTruthy();
    const chargers = ids.map((id) => new SimCharger({ url: `ws://127.0.0.1:${victim.ocppPort}/ocpp`, id, callTimeoutMs: 5000 }));
    await Promise.all(chargers.map((c) => c.connect()));
    for (const id of ids) await expect.poll(async () => (await a.api('GET', `/api/chargers/${id}`)).body).toMatchObject({ online: true, nodeId: victimId });

    await victim.kill('SIGKILL');
    // The sockets die with the process; nothing of it wrote that the chargers left.
    for (const id of ids) await expect.poll(async () => (await a.api('GET', `/api/chargers/${id}`)).body.online, { timeout: 10_000 }).toBe(false);
    expect(await nodeIds()).toEqual([a.gw.config.nodeId]);
    await expect.poll(() => r.deliveries.map((d) => d.body.chargerId).sort(), { timeout: 10_000 }).toEqual(ids);
    for (const d of r.deliveries) expect(d.body.data).toEqual({ nodeId: victimId, code: 1006, reason: 'gateway node stopped responding' });

    const res = await a.api('POST', '/api/chargers/CL-DEAD-1/commands/Reset', { type: 'Soft' });
    expect(res.status).toBe(409);
    expect(res.body.error).toBe('CHARGER_OFFLINE');
  }, 90_000);

  it('answers CHARGER_OFFLINE at once for a charger whose holder went silent', async () => {
    await cluster.installation(['CL-STALE-1']);
    const { store } = a.gw;
    const old = new Date(Date.now() - 60_000).toISOString();
    // A holder whose row says it went silent a minute ago (swept or not yet, it holds nothing).
    await store.db.insertInto('nodes').values({ id: 'ghost', host: 'elsewhere', pid: 1, started_at: old, heartbeat_at: old }).execute();
    await store.db.updateTable('chargers').set({ online: 1, node_id: 'ghost' }).where('id', '=', 'CL-STALE-1').execute();
    const started = Date.now();
    const res = await a.api('POST', '/api/chargers/CL-STALE-1/commands/Reset', { type: 'Soft' });
    expect(res.status).toBe(409);
    expect(res.body.error).toBe('CHARGER_OFFLINE');
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('writes a going-away disconnect event for each charger of a node that stops', async () => {
    const ids = ['CL-STOP-1', 'CL-STOP-2', 'CL-STOP-3'];
    await cluster.installation(ids);
    const b = await cluster.add();
    await Promise.all(ids.map((id) => b.charger(id).connect()));
    for (const id of ids) await expect.poll(async () => (await a.api('GET', `/api/chargers/${id}`)).body.nodeId).toBe(b.gw.config.nodeId);
    expect(await b.shutdown()).toBe(true);
    const mine = () => r.deliveries.filter((d) => ids.includes(d.body.chargerId));
    // B is gone; A delivers what B wrote.
    await expect.poll(() => mine().map((d) => d.body.chargerId).sort(), { timeout: 15_000 }).toEqual(ids);
    for (const d of mine()) expect(d.body.data).toMatchObject({ nodeId: b.gw.config.nodeId, code: 1001 });
  });

  it('releases chargers that name a node with no presence row when a node starts', async () => {
    await cluster.installation(['CL-ORPHAN-1']);
    const { store } = a.gw;
    // Left by a sweeper that died half-way, or by a node that crashed before the presence table existed.
    await store.db.updateTable('chargers').set({ online: 1, node_id: 'vanished' }).where('id', '=', 'CL-ORPHAN-1').execute();
    const b = await cluster.add();
    expect((await b.api('GET', '/api/chargers/CL-ORPHAN-1')).body).toMatchObject({ online: false, nodeId: null });
    await b.stop();
  });

  it('takes its chargers back when another node swept it while it was alive (a long pause)', async () => {
    await cluster.installation(['CL-PAUSE-1']);
    const c = a.charger('CL-PAUSE-1');
    await c.connect();
    const { store } = a.gw;
    const me = a.gw.config.nodeId;
    await expect.poll(async () => (await store.chargers.get('CL-PAUSE-1'))?.nodeId).toBe(me);
    // What a sweep by another node does: the row goes, the chargers are released.
    await store.nodes.remove(me);
    await store.chargers.releaseNode(me);
    await expect.poll(async () => (await store.chargers.get('CL-PAUSE-1'))?.nodeId, { timeout: 10_000 }).toBe(me);
    expect(await nodeIds()).toEqual([me]);
    expect(c.isOpen).toBe(true);
  });

  it('takes back the chargers of several installations with connected events, and closes the one another node took meanwhile', async () => {
    const connected = await receiver();
    let beat: NodeJS.Timeout | undefined;
    try {
      await subscribe(a, { url: connected.url, events: ['charger.connected'] });
      await cluster.installation(['CL-MANY-1', 'CL-MANY-2', 'CL-MANY-3']);
      await cluster.installation(['CL-MANY-4']);
      const ids = ['CL-MANY-1', 'CL-MANY-2', 'CL-MANY-3', 'CL-MANY-4'];
      const chargers = ids.map((id) => a.charger(id));
      for (const c of chargers) await c.connect();
      const { store } = a.gw;
      const me = a.gw.config.nodeId;
      const holders = async () => Promise.all(ids.map(async (id) => (await store.chargers.get(id))?.nodeId));
      await expect.poll(holders).toEqual([me, me, me, me]);
      const ours = (from: number) => connected.deliveries.slice(from).map((d) => d.body.chargerId as string).filter((id) => ids.includes(id)).sort();
      await expect.poll(() => ours(0)).toEqual(ids);
      const before = connected.deliveries.length;
      const closed = once(chargers[1], 'close');
      // Swept while alive, and meanwhile CL-MANY-2 reconnected to another node (alive: it beats).
      const other = 'another-node';
      await store.nodes.register({ id: other, host: 'elsewhere.example', pid: 1 }, new Date().toISOString());
      beat = setInterval(() => void store.nodes.heartbeat(other, new Date().toISOString()), 200);
      await store.nodes.remove(me);
      await store.chargers.releaseNode(me);
      await store.db.updateTable('chargers').set({ online: 1, node_id: other }).where('id', '=', 'CL-MANY-2').execute();

      await expect.poll(holders, { timeout: 10_000 }).toEqual([me, other, me, me]);
      await closed;
      expect(chargers.map((c) => c.isOpen)).toEqual([true, false, true, true]);
      await expect.poll(() => ours(before)).toEqual(['CL-MANY-1', 'CL-MANY-3', 'CL-MANY-4']);
      for (const c of chargers) await c.close();
    } finally {
      clearInterval(beat);
      await a.gw.store.nodes.remove('another-node');
      await a.gw.store.chargers.releaseNode('another-node');
      await connected.close();
    }
  });

  it('closes its chargers with 1001 on SIGTERM and leaves the presence table', async () => {
    await cluster.installation(['CL-TERM-1']);
    const node = await cluster.spawn();
    const c = new SimCharger({ url: `ws://127.0.0.1:${node.ocppPort}/ocpp`, id: 'CL-TERM-1', callTimeoutMs: 5000 });
    await c.connect();
    await expect.poll(async () => (await nodeIds()).length).toBe(2);
    const closed = once(c, 'close');
    expect(await node.kill('SIGTERM')).toBe(0);
    expect((await closed)[0]).toBe(1001);
    expect(await nodeIds()).toEqual([a.gw.config.nodeId]);
    expect((await a.api('GET', '/api/chargers/CL-TERM-1')).body).toMatchObject({ online: false, nodeId: null });
  }, 90_000);
});

describe('a node restarted after a crash, with a long heartbeat timeout', () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startTestCluster(0, { nodeTimeoutMs: 60_000 });
  });
  afterAll(() => cluster?.stop());

  it('takes out at start the nodes of its host whose process is gone, without waiting for the timeout', { timeout: 90_000 }, async () => {
    const crashed = await cluster.spawn({ NODE_TIMEOUT_MS: '60000' });
    const crashedId = crashed.lines.find((l) => l.msg === 'joined the cluster')?.nodeId;
    const store = await openTestStore(cluster.db);
    try {
      const inst = await store.installations.create({ name: 'restart' });
      await store.chargers.create(inst.id, 'CL-RESTART-1');
      const c = new SimCharger({ url: `ws://127.0.0.1:${crashed.ocppPort}/ocpp`, id: 'CL-RESTART-1', callTimeoutMs: 5000 });
      await c.connect();
      await expect.poll(async () => (await store.chargers.get('CL-RESTART-1'))?.nodeId).toBe(crashedId);
      await crashed.kill('SIGKILL');

      const restarted = await cluster.add();
      const rows = await store.db.selectFrom('nodes').select('id').execute();
      expect(rows.map((n) => n.id)).toEqual([restarted.gw.config.nodeId]);
      expect(await store.chargers.get('CL-RESTART-1')).toMatchObject({ online: false, nodeId: null });
    } finally {
      await store.close();
    }
  });
});
