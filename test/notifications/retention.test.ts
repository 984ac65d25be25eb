import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { receiver, subscribe } from '../helpers/notifications.js';
import type { Receiver } from '../../simulators/receiver/index.js';

const HOUR = 3600_000;

describe.each(['sqlite', 'postgres'] as const)('retention of the delivery log and the event log on %s', (engine) => {
  let t: TestGateway;
  let installationId: string;
  const receivers: Receiver[] = [];
  beforeAll(async () => {
    t = await startTestGateway(engine, { notificationRetentionHours: 1, notificationRetryDelaysMs: [10, 10, 10], notificationProbeMaxMs: 200 });
    installationId = await t.installation(['RT-1']);
    receivers.push(await receiver(), await receiver());
  });
  afterEach(() => vi.useRealTimers());
  afterAll(async () => {
    await t?.stop();
    await Promise.all(receivers.map((r) => r.close()));
  });

  const deliveryLog = async (id: string) => (await t.api('GET', `/api/subscriptions/${id}/deliveries`)).body.items;

  it('prunes attempts and delivered events older than the retention, and keeps events a subscription still owes', async () => {
    const [healthy, failing] = receivers;
    const a = await subscribe(t, { installationId, url: healthy.url, events: ['connector.status_changed'] });
    const b = await subscribe(t, { installationId, url: failing.url, events: ['connector.status_changed'] });
    const c = t.charger('RT-1');
    await c.connect();
    await c.status(1, 'Preparing');
    await c.status(1, 'Charging');
    await Promise.all([healthy.waitFor(2), failing.waitFor(2)]);
    // b falls behind: these two stay owed to it.
    failing.injectFault({ fault: { mode: 'status', status: 503 } });
    await c.status(1, 'Finishing');
    await c.status(1, 'Available');
    await healthy.waitFor(4);
    await expect.poll(async () => (await t.api('GET', `/api/subscriptions/${b.id}`)).body.state).toBe('queued');
    const ids = healthy.deliveries.map((d) => d.body.id as string);
    await expect.poll(async () => (await deliveryLog(a.id)).length).toBe(4);

    // Two hours on: everything is past the 1 h retention.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 2 * HOUR });
    await t.gw.notifications.prune();
    vi.useRealTimers();

    expect(await deliveryLog(a.id)).toEqual([]);
    expect(await deliveryLog(b.id)).toEqual([]);
    const kept = await Promise.all(ids.map(async (id) => (await t.gw.store.events.byId(id)) !== undefined));
    expect(kept).toEqual([false, false, true, true]);

    // What was kept is still delivered, in order, once the endpoint is back.
    failing.clearFaults();
    await failing.waitFor(4, 5000);
    expect(failing.deliveries.map((d) => d.body.id)).toEqual(ids);
    await c.close();
  });

  it('with no subscription left, prunes every event past the retention', async () => {
    const c = t.charger('RT-1');
    await c.connect();
    for (const sub of (await t.api('GET', '/api/subscriptions')).body.items) await t.api('DELETE', `/api/subscriptions/${sub.id}`);
    const r = receivers[0];
    const sub = await subscribe(t, { installationId, url: r.url, events: ['connector.status_changed'] });
    const before = r.deliveries.length;
    await c.status(1, 'Preparing');
    await r.waitFor(before + 1);
    const id = r.deliveries[before].body.id as string;
    expect(await t.gw.store.events.byId(id)).toBeDefined();
    await expect.poll(async () => (await t.gw.store.deliveries.list(sub.id, 10)).length).toBe(1);
    await t.api('DELETE', `/api/subscriptions/${sub.id}`);
    // A deleted subscription's attempt log goes with it.
    await expect.poll(async () => (await t.gw.store.deliveries.list(sub.id, 10)).length).toBe(0);

    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 2 * HOUR });
    await t.gw.notifications.prune();
    vi.useRealTimers();
    expect(await t.gw.store.events.byId(id)).toBeUndefined();
    await c.close();
  });
});
