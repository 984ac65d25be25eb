import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { freshDatabase, openTestStore, type TestDatabase } from '../helpers/databases.js';
import { spawnGateway, type GatewayProcess } from '../helpers/process.js';
import { receiver, RECEIVER_SECRET } from '../helpers/notifications.js';
import type { Receiver } from '../../simulators/receiver/index.js';
import { ConnectError, SimCharger } from '../../simulators/charger/charger.js';
import { startProvider, type Provider } from '../../simulators/provider/index.js';
import { basicPayload, PROVIDER_PASSWORD, PROVIDER_USER } from '../helpers/provider.js';

const TOKEN = 'shutdown-test-admin-token';
const CHARGERS = ['SHUT-1', 'SHUT-2', 'SHUT-3'];
const SLOW_RECEIVER_MS = 1500;

/** Resolves when the gateway wrote a log line with this message; fails after timeoutMs. */
async function logged(gw: GatewayProcess, msg: string, timeoutMs = 5000): Promise<Record<string, any>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const line = gw.lines.find((l) => l.msg === msg);
    if (line) return line;
    if (Date.now() > until) throw new Error(`no "${msg}" log line within ${timeoutMs} ms`);
    await sleep(10);
  }
}

function exited(gw: GatewayProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (gw.child.exitCode !== null) return resolve(gw.child.exitCode);
    gw.child.once('exit', (code) => resolve(code));
  });
}

describe('SIGTERM', () => {
  let db: TestDatabase;
  let r: Receiver;
  let provider: Provider;
  let gw: GatewayProcess | undefined;
  let env: Record<string, string>;
  const chargers: SimCharger[] = [];

  beforeAll(async () => {
    db = await freshDatabase('sqlite');
    r = await receiver();
    provider = await startProvider({ users: { [PROVIDER_USER]: PROVIDER_PASSWORD }, rules: { defaultAllowed: true } });
    const store = await openTestStore(db);
    const inst = await store.installations.create({ name: 'shutdown' });
    for (const id of CHARGERS) await store.chargers.create(inst.id, id);
    await store.close();
    env = { DATA_DIR: db.dataDir, ADMIN_TOKEN: TOKEN, LOG_LEVEL: 'info' };
  });
  afterAll(async () => {
    await Promise.all(chargers.map((c) => c.close().catch(() => undefined)));
    await gw?.kill();
    await r?.close();
    await provider?.close();
    await db?.drop();
  });

  async function start(shutdownTimeoutMs: number): Promise<GatewayProcess> {
    gw = await spawnGateway({ ...env, SHUTDOWN_TIMEOUT_MS: String(shutdownTimeoutMs) });
    return gw;
  }

  async function connect(gw: GatewayProcess, id: string): Promise<SimCharger> {
    const c = new SimCharger({ url: `ws://127.0.0.1:${gw.ocppPort}/ocpp`, id, callTimeoutMs: 5000 });
    chargers.push(c);
    await c.connect();
    await c.boot();
    return c;
  }

  async function subscribe(gw: GatewayProcess): Promise<string> {
    const res = await fetch(`http://127.0.0.1:${gw.httpPort}/api/subscriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ label: 'shutdown', url: r.url, events: ['connector.status_changed'], secret: RECEIVER_SECRET }),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  }

  it('stops accepting, closes chargers with 1001, finishes the delivery in flight and exits 0 in time', async () => {
    const gw = await start(5000);
    const subscriptionId = await subscribe(gw);
    const connected = await Promise.all(CHARGERS.map((id) => connect(gw, id)));
    const closes = connected.map((c) => new Promise<number>((resolve) => c.once('close', (code: number) => resolve(code))));

    r.injectFault({ fault: { mode: 'latency', ms: SLOW_RECEIVER_MS }, times: 1 });
    await connected[0].call('StatusNotification', { connectorId: 1, status: 'Charging', errorCode: 'NoError', info: 'in-flight' });
    while (r.attempts() === 0) await sleep(10);
    expect(r.deliveries).toHaveLength(0); // held by the receiver: the delivery is in flight

    const signalled = performance.now();
    gw.child.kill('SIGTERM');
    const exit = exited(gw);
    await logged(gw, 'closing charger connections');
    expect(gw.child.exitCode).toBeNull();
    // The OCPP port is closed while the delivery still runs.
    const late = new SimCharger({ url: `ws://127.0.0.1:${gw.ocppPort}/ocpp`, id: 'SHUT-LATE', callTimeoutMs: 2000 });
    const refused = await late.connect().then(
      () => undefined,
      (err: ConnectError) => err,
    );
    await late.close();
    expect(refused).toBeInstanceOf(ConnectError);
    expect(refused?.code ?? `HTTP ${refused?.statusCode}`).toBe('ECONNREFUSED');

    expect(await Promise.all(closes)).toEqual(CHARGERS.map(() => 1001));
    expect(await exit).toBe(0);
    const tookMs = performance.now() - signalled;
    console.log(`shutdown: exited 0 in ${Math.round(tookMs)} ms with a ${SLOW_RECEIVER_MS} ms delivery in flight (limit 5000 ms)`);
    expect(tookMs).toBeLessThan(5000);
    expect(tookMs).toBeGreaterThan(SLOW_RECEIVER_MS / 2); // it waited for the delivery rather than dropping it

    expect(r.deliveries.map((d) => d.body.data.info)).toContain('in-flight');
    expect(gw.lines.filter((l) => l.level >= 50)).toEqual([]);
    // Recorded as delivered, so a restart does not send it again.
    const store = await openTestStore(db);
    try {
      const attempts = await store.deliveries.list(subscriptionId, 100);
      expect(attempts.some((a) => a.ok)).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('exits 1 at SHUTDOWN_TIMEOUT_MS when a delivery hangs', async () => {
    const gw = await start(1000);
    await subscribe(gw);
    const c = await connect(gw, 'SHUT-1');
    r.injectFault({ fault: { mode: 'hang' }, times: 1 });
    const before = r.attempts();
    await c.call('StatusNotification', { connectorId: 1, status: 'Available', errorCode: 'NoError', info: 'hanging' });
    while (r.attempts() === before) await sleep(10);

    const signalled = performance.now();
    gw.child.kill('SIGTERM');
    expect(await exited(gw)).toBe(1);
    const tookMs = performance.now() - signalled;
    expect(tookMs).toBeGreaterThanOrEqual(950);
    expect(tookMs).toBeLessThan(3000);
    expect(gw.lines.some((l) => l.msg === 'shutdown did not finish in time; exiting with work undone')).toBe(true);
    r.clearFaults();
  });

  async function api(gw: GatewayProcess, method: string, path: string, body?: unknown) {
    const res = await fetch(`http://127.0.0.1:${gw.httpPort}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  }

  /** A charger of a webhook installation stops a session while the provider answers slowly; resolves once the call is in flight. */
  async function stopWithSlowProvider(gw: GatewayProcess, chargerId: string, latencyMs: number): Promise<number> {
    const inst = await api(gw, 'POST', '/api/installations', {
      name: `shutdown-${chargerId}`,
      authentication: { mode: 'webhook', authPayload: basicPayload, sessionStartUrl: provider.startUrl, sessionEndUrl: provider.endUrl },
    });
    expect((await api(gw, 'POST', `/api/installations/${inst.body.id}/chargers`, { id: chargerId })).status).toBe(201);
    const c = await connect(gw, chargerId);
    const { transactionId } = await c.startTransaction({ connectorId: 1, idTag: 'SHUTCARD', meterStart: 0 });
    provider.injectFault({ path: 'end', fault: { mode: 'latency', ms: latencyMs }, times: 1 });
    const calls = provider.counts().end;
    await c.stopTransaction({ transactionId, meterStop: 4242 });
    while (provider.counts().end === calls) await sleep(10);
    return transactionId;
  }

  const sessionEnd = async (transactionId: number) => {
    const store = await openTestStore(db);
    try {
      return await store.outbox.state(`session-end:${transactionId}`);
    } finally {
      await store.close();
    }
  };

  it('finishes a session-end call in flight before exiting, so a restart does not send it again', async () => {
    const gw = await start(5000);
    const transactionId = await stopWithSlowProvider(gw, 'SHUT-END-1', SLOW_RECEIVER_MS);
    expect(provider.received.ends.filter((e) => e.body.transactionId === transactionId)).toHaveLength(0);

    gw.child.kill('SIGTERM');
    expect(await exited(gw)).toBe(0);
    const ends = provider.received.ends.filter((e) => e.body.transactionId === transactionId);
    expect(ends).toHaveLength(1);
    expect(ends[0].body).toMatchObject({ meterStop: 4242 });
    expect(await sessionEnd(transactionId)).toMatchObject({ status: 'delivered', attempts: 1 });
  });

  it('gives a session-end call that outlasts SHUTDOWN_TIMEOUT_MS back to the queue, and the restart sends it', async () => {
    const gw = await start(500);
    const transactionId = await stopWithSlowProvider(gw, 'SHUT-END-2', 3000);
    gw.child.kill('SIGTERM');
    expect(await exited(gw)).toBe(1);
    // Not lost and not counted as tried, and not held by a lease either: the next worker
    // (this node after its restart, or another node) sends it again at once, with the same id.
    expect(await sessionEnd(transactionId)).toMatchObject({ status: 'pending', attempts: 0 });
    const store = await openTestStore(db);
    try {
      const row = await store.db.selectFrom('outbox').select('locked_until').where('event_id', '=', `session-end:${transactionId}`).executeTakeFirstOrThrow();
      expect(row.locked_until).toBeNull();
    } finally {
      await store.close();
    }
    const again = await start(5000);
    try {
      await expect.poll(() => sessionEnd(transactionId), { timeout: 10_000 }).toMatchObject({ status: 'delivered' });
      const ends = provider.received.ends.filter((e) => e.body.transactionId === transactionId);
      expect(new Set(ends.map((e) => e.body.id)).size).toBe(1);
    } finally {
      again.child.kill('SIGTERM');
      await exited(again);
    }
  });
});
