import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { freshDatabase, openTestStore, type TestDatabase } from '../helpers/databases.js';
import { startCluster, inBatches, type Cluster, type ClusterNode } from '../helpers/clusterProcesses.js';
import { startRoundRobin, type RoundRobin } from '../helpers/roundRobin.js';
import { newLedger, roam, type Roaming } from '../helpers/roamingCharger.js';
import { receiver, RECEIVER_SECRET } from '../helpers/notifications.js';
import { basicPayload, PROVIDER_PASSWORD, PROVIDER_USER } from '../helpers/provider.js';
import { startProvider, type Provider } from '../../simulators/provider/index.js';
import type { Receiver } from '../../simulators/receiver/index.js';
import { Stats } from '../../simulators/charger/stats.js';

const NODES = 3;
const CHARGERS = 300;
/** Chargers connecting at once, each through the round-robin. */
const CONNECTING = 50;
const TOKEN = 'cluster-test-admin-token';
const ids = Array.from({ length: CHARGERS }, (_, i) => `CL-${i + 1}`);
const SUBSCRIPTIONS = {
  sessions: ['session.started', 'session.stopped'],
  connections: ['charger.connected', 'charger.booted'],
} as const;

/** Waits for a condition the scenario needs before it goes on (not an assertion: those use expect.poll). */
async function until(what: string, cond: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** The last value of `read` once `done` holds for it, or when `timeoutMs` ran out: for expect.soft, so one check failing shows the others too. */
async function settled<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await sleep(500);
  }
}

/** Event ids in the order they first arrived; a repeat is allowed only after a node died mid-delivery. */
const firstArrivals = (r: Receiver) => [...new Set(r.deliveries.map((d) => d.body.id as string))];

describe(`${NODES} gateway nodes on one PostgreSQL behind a round-robin`, () => {
  let db: TestDatabase;
  let provider: Provider;
  let cluster: Cluster;
  let proxy: RoundRobin;
  let installationId: string;
  const receivers = {} as Record<keyof typeof SUBSCRIPTIONS, Receiver>;
  const agents: Roaming[] = [];
  const ledger = newLedger();
  const stats = new Stats();

  beforeAll(async () => {
    db = await freshDatabase('postgres');
    provider = await startProvider({ users: { [PROVIDER_USER]: PROVIDER_PASSWORD }, rules: { defaultAllowed: true } });
    receivers.sessions = await receiver();
    receivers.connections = await receiver();
    cluster = await startCluster(db, NODES, {
      ADMIN_TOKEN: TOKEN,
      LOG_LEVEL: 'info',
      OUTBOX_POLL_MS: '100',
      OUTBOX_RETRY_BASE_MS: '100',
      OUTBOX_RETRY_MAX_MS: '1000',
      // A command that cannot be carried fails with a clear error well inside the API client's timeout.
      COMMAND_TIMEOUT_MS: '10000',
      // The defaults (3 s, 10 s): shorter timeouts took live nodes for dead on the loaded test machine.
      NODE_HEARTBEAT_MS: '3000',
      NODE_TIMEOUT_MS: '10000',
    });
    proxy = await startRoundRobin(cluster.nodes.map((n) => ({ port: n.gw.ocppPort })));

    const api = cluster.nodes[0].api;
    const inst = await api('POST', '/api/installations', {
      name: 'cluster',
      authentication: { mode: 'webhook', authPayload: basicPayload, sessionStartUrl: provider.startUrl, sessionEndUrl: provider.endUrl },
    });
    expect(inst.status).toBe(201);
    installationId = inst.body.id;
    await inBatches(ids, 16, async (id) => expect((await api('POST', `/api/installations/${installationId}/chargers`, { id })).status).toBe(201));
    for (const [label, events] of Object.entries(SUBSCRIPTIONS)) {
      const r = receivers[label as keyof typeof SUBSCRIPTIONS];
      const res = await api('POST', '/api/subscriptions', { label, url: r.url, events, secret: RECEIVER_SECRET });
      expect(res.status).toBe(201);
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled(agents.map((a) => a.stop(10_000)));
    await proxy?.close();
    await cluster?.stop();
    await Promise.all(Object.values(receivers).map((r) => r.close()));
    await provider?.close();
    await db?.drop();
  });

  const holders = async (): Promise<Map<string, string | null>> => {
    const store = await openTestStore(db);
    try {
      const rows = await store.db.selectFrom('chargers').select(['id', 'online', 'node_id']).where('installation_id', '=', installationId).execute();
      return new Map(rows.map((r) => [r.id, r.online ? r.node_id : null]));
    } finally {
      await store.close();
    }
  };

  /** Warnings and errors each node logged, by message: what to read first when a check fails. */
  const complaints = () =>
    Object.fromEntries(
      cluster.nodes.map((n) => {
        const counts: Record<string, number> = {};
        for (const l of n.gw.lines) if (l.level >= 40) counts[l.msg] = (counts[l.msg] ?? 0) + 1;
        return [n.nodeId, counts];
      }),
    );

  const onlineThrough = async (node: ClusterNode): Promise<number> => {
    const res = await node.api('GET', `/api/installations/${installationId}/chargers`);
    return (res.body.items as { online: boolean }[]).filter((c) => c.online).length;
  };

  it('keeps every charger, transaction, session end and event when one node is killed mid-run', async () => {
    const url = proxy.url('/ocpp');
    for (let i = 0; i < ids.length; i += CONNECTING) {
      const wave = ids.slice(i, i + CONNECTING).map((id) => roam({ url, id, ledger, meterIntervalMs: 200, stats }));
      agents.push(...wave);
      await Promise.all(wave.map((a) => a.ready));
    }
    await until('every charger through one session', () => agents.every((a) => a.sessions() >= 1), 60_000);
    const spread = proxy.forwarded();
    expect(Object.values(spread).every((n) => n >= CHARGERS / NODES - 1)).toBe(true);

    const victim = cluster.nodes[1];
    const held = [...(await holders()).values()].filter((n) => n === victim.nodeId).length;
    await cluster.kill(victim);
    const survivors = cluster.alive();
    console.log(`cluster: killed ${victim.nodeId} holding ${held} chargers; connections so far ${JSON.stringify(spread)}; logged ${JSON.stringify(complaints())}`);

    // Back online, held by a survivor, and shown online by the API of every survivor.
    const alive = new Set(survivors.map((n) => n.nodeId));
    await expect
      .poll(async () => [...(await holders()).values()].filter((n) => n !== null && alive.has(n)).length, { timeout: 45_000, interval: 500 })
      .toBe(CHARGERS)
      .catch((err) => {
        throw new Error(`${err.message}; nodes logged ${JSON.stringify(complaints())}`);
      });
    for (const node of survivors) {
      expect.soft(await settled(() => onlineThrough(node), (n) => n === CHARGERS, 15_000), `online through ${node.nodeId}`).toBe(CHARGERS);
    }
    // A charger counts a reconnect once booted and its statuses answered, a little after the store shows it online.
    await expect.poll(() => agents.reduce((n, a) => n + a.reconnects(), 0), { timeout: 30_000, interval: 250 }).toBeGreaterThanOrEqual(held);

    // Remote commands through every survivor, for chargers another survivor holds.
    const holder = await holders();
    for (const node of survivors) {
      const elsewhere = ids.filter((id) => holder.get(id) !== node.nodeId).slice(0, 3);
      expect(elsewhere).toHaveLength(3);
      for (const id of elsewhere) {
        const trigger = await node.api('POST', `/api/chargers/${id}/commands/TriggerMessage`, { requestedMessage: 'Heartbeat' });
        expect.soft({ node: node.nodeId, id, status: trigger.status, body: trigger.body }).toMatchObject({ status: 200, body: { result: { status: 'Accepted' } } });
        const config = await node.api('POST', `/api/chargers/${id}/commands/GetConfiguration`, {});
        expect.soft({ node: node.nodeId, id, status: config.status }).toEqual({ node: node.nodeId, id, status: 200 });
      }
    }

    // Sessions go on after the failover; then every charger finishes the one it is in.
    const sessionsAtFailover = agents.reduce((n, a) => n + a.sessions(), 0);
    await until('sessions after the failover', () => agents.reduce((n, a) => n + a.sessions(), 0) >= sessionsAtFailover + CHARGERS, 60_000);
    await Promise.all(agents.map((a) => a.stop(30_000)));
    for (const node of survivors) expect(node.gw.child.exitCode).toBeNull();

    // Every transaction a charger was told about is complete in the store.
    expect(ledger.started.size).toBeGreaterThanOrEqual(2 * CHARGERS);
    expect([...ledger.started.keys()].filter((id) => !ledger.stopped.has(id))).toEqual([]);
    const store = await openTestStore(db);
    try {
      const rows = await store.db.selectFrom('transactions').select(['id', 'charger_id', 'meter_stop']).where('installation_id', '=', installationId).execute();
      const stored = new Map(rows.map((r) => [r.id, r]));
      const incomplete = [...ledger.started].filter(([id, charger]) => stored.get(id)?.charger_id !== charger || stored.get(id)?.meter_stop == null);
      expect(incomplete).toEqual([]);

      // Every session end reached the provider.
      const ended = () => new Set(provider.received.ends.map((e) => e.body.transactionId as number));
      await expect.poll(() => [...ledger.stopped].filter((id) => !ended().has(id)).length, { timeout: 60_000, interval: 500 }).toBe(0);

      // Every event of each subscription arrived, in the order of the event log.
      for (const [label, types] of Object.entries(SUBSCRIPTIONS)) {
        const logged = (await store.events.after(0, { installationId: null, types: [...types] }, 1_000_000)).map((e) => e.envelope.id);
        const r = receivers[label as keyof typeof SUBSCRIPTIONS];
        await expect.poll(() => firstArrivals(r).length, { timeout: 75_000, interval: 500 }).toBe(logged.length);
        expect(firstArrivals(r)).toEqual(logged);
        console.log(`cluster: ${label}: ${logged.length} events, ${r.deliveries.length - logged.length} repeated after the kill`);
      }
    } finally {
      await store.close();
    }
    console.log(`cluster: ${ledger.started.size} transactions, ${provider.received.ends.length} session-end calls, ${stats.format().split('\n')[0]}`);
  });
});
