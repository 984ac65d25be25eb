import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { RECEIVER_SECRET, receiverPool, subscribe } from '../helpers/notifications.js';
import type { Receiver } from '../../simulators/receiver/index.js';

const fast = { notificationRetryDelaysMs: [20, 20, 20], notificationProbeMaxMs: 300 };

describe('notification delivery', () => {
  let t: TestGateway;
  let installationId: string;
  const pool = receiverPool();
  const rcv = pool.start;

  beforeAll(async () => {
    t = await startTestGateway('sqlite', fast);
    installationId = await t.installation(['D-1', 'D-2'], [{ idTag: '04AABBCCDDEEFF' }, { idTag: 'VISITOR' }]);
  });
  afterAll(async () => {
    await t?.stop();
    await pool.closeAll();
  });

  /** Fires `count` status events from D-1 (cheap, ordered, one per call). */
  async function statuses(count: number, from = 0) {
    const c = t.charger('D-1');
    await c.connect();
    for (let i = 0; i < count; i++) await c.call('StatusNotification', { connectorId: 1, status: 'Available', errorCode: 'NoError', info: `n${from + i}` });
    await c.close();
  }
  const infos = (r: Receiver) => r.deliveries.filter((d) => d.body.type === 'connector.status_changed').map((d) => d.body.data.info);

  it('filters on id tag pattern and on chargers', async () => {
    const r = await rcv();
    await subscribe(t, { installationId, url: r.url, events: ['authorization.decided'], filter: { idTagPattern: '^04[0-9A-F]{12}$', chargers: ['D-2'] } });
    const d1 = t.charger('D-1');
    const d2 = t.charger('D-2');
    await Promise.all([d1.connect(), d2.connect()]);
    await d1.authorize('04AABBCCDDEEFF');
    await d2.authorize('VISITOR');
    await d2.authorize('04AABBCCDDEEFF');
    await r.waitFor(1);
    await new Promise((res) => setTimeout(res, 200));
    expect(r.deliveries.map((d) => [d.body.chargerId, d.body.data.idTag])).toEqual([['D-2', '04AABBCCDDEEFF']]);
    await Promise.all([d1.close(), d2.close()]);
  });

  it('appends the event type to a base URL, and sends basic auth and standard-webhooks signatures', async () => {
    const r = await rcv({ scheme: 'standard-webhooks', secret: 'whsec_' + Buffer.alloc(32, 9).toString('base64'), basicAuth: { username: 'hook', password: 'h00k-pass' } });
    const sub = await subscribe(t, {
      installationId,
      url: `${r.url}/`,
      urlMode: 'base',
      events: ['connector.status_changed'],
      signature: 'standard-webhooks',
      secret: 'whsec_' + Buffer.alloc(32, 9).toString('base64'),
      authentication: { kind: 'basic', username: 'hook', password: 'h00k-pass' },
    });
    expect(sub.authentication).toEqual({ kind: 'basic', username: 'hook', passwordSet: true });
    await statuses(1);
    const [d] = await r.waitFor(1);
    expect(d.path).toBe('/hooks/connector.status_changed');
    expect(d.verified).toBe(true);
    expect(d.headers['webhook-id']).toBe(d.body.id);
    expect(r.rejected).toHaveLength(0);
  });

  it('sends nothing until the endpoint proves ownership, then delivers', async () => {
    const r = await rcv({ answerChallenge: false });
    const sub = await subscribe(t, { installationId, url: r.url, events: ['connector.status_changed'], verify: true });
    expect(sub.state).toBe('unverified');
    expect(sub.verification).toMatchObject({ verified: false });
    expect(r.challenges).toHaveLength(1);
    await statuses(2, 100);
    await new Promise((res) => setTimeout(res, 300));
    expect(r.deliveries).toHaveLength(0);
    // Asking again sends a new challenge; still unanswered.
    const again = await t.api('POST', `/api/subscriptions/${sub.id}/verify`);
    expect(again.body).toMatchObject({ state: 'unverified', verification: { verified: false } });
    expect(r.challenges).toHaveLength(2);
    // A new URL is challenged by the PATCH itself, once, and the reply says how it went.
    const fixed = await rcv();
    const patched = await t.api('PATCH', `/api/subscriptions/${sub.id}`, { url: fixed.url });
    expect(patched.body).toMatchObject({ url: fixed.url, state: 'active', verification: { verified: true } });
    expect(fixed.challenges).toHaveLength(1);
    expect(r.challenges).toHaveLength(2);
    await statuses(1, 200);
    const got = await fixed.waitFor(1);
    expect(got[0].body.data.info).toBe('n200');
  });

  it('retries 3 times, then queues new events in order and drains them when the endpoint is back', async () => {
    const r = await rcv();
    const sub = await subscribe(t, { installationId, url: r.url, events: ['connector.status_changed'] });
    r.injectFault({ fault: { mode: 'status', status: 503 } });
    await statuses(5, 300);
    await expect.poll(async () => (await t.api('GET', `/api/subscriptions/${sub.id}`)).body.state).toBe('queued');
    const log = (await t.api('GET', `/api/subscriptions/${sub.id}/deliveries`)).body.items;
    const tries = log.filter((x: any) => x.mode === 'queue' || x.mode === 'retry').reverse();
    expect(tries.map((x: any) => x.attempt)).toEqual([1, 2, 3, 4]);
    // Each row carries the time of its own attempt, not of the batch it was written in.
    const times = tries.map((x: any) => Date.parse(x.at));
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThan(times[i - 1]);
    r.clearFaults();
    await r.waitFor(5, 10_000);
    expect(infos(r)).toEqual(['n300', 'n301', 'n302', 'n303', 'n304']);
    // Every refused attempt (retries and probes) carried the first event's id, the one finally delivered.
    const refused = r.requests.filter((x) => x.method === 'POST' && x.fault === 'status');
    expect(refused.length).toBeGreaterThanOrEqual(4);
    expect(new Set(refused.map((x) => x.headers['x-event-id']))).toEqual(new Set([r.deliveries[0].body.id]));
    await expect.poll(async () => (await t.api('GET', `/api/subscriptions/${sub.id}`)).body.state).toBe('active');
  });

  it('counts a redirect as a failure and does not follow it', async () => {
    const r = await rcv();
    const elsewhere = await rcv();
    const sub = await subscribe(t, { installationId, url: r.url, events: ['connector.status_changed'] });
    r.injectFault({ fault: { mode: 'status', status: 302, headers: { location: elsewhere.url } }, times: 1 });
    await statuses(1, 350);
    await r.waitFor(1);
    const attempts = async () => (await t.api('GET', `/api/subscriptions/${sub.id}/deliveries`)).body.items.reverse();
    await expect.poll(async () => (await attempts()).length).toBe(2);
    expect((await attempts()).map((x: any) => [x.attempt, x.mode, x.status, x.ok])).toEqual([
      [1, 'queue', 302, false],
      [2, 'retry', 200, true],
    ]);
    expect(elsewhere.attempts()).toBe(0);
  });

  it('disables a subscription whose endpoint answers 410 Gone', async () => {
    const r = await rcv();
    const sub = await subscribe(t, { installationId, url: r.url, events: ['connector.status_changed'] });
    r.injectFault({ fault: { mode: 'status', status: 410 } });
    await statuses(1, 400);
    await expect.poll(async () => (await t.api('GET', `/api/subscriptions/${sub.id}`)).body).toMatchObject({ state: 'disabled', enabled: false });
    expect(r.attempts()).toBe(1);
  });

  it('honours Retry-After', async () => {
    const r = await rcv();
    const sub = await subscribe(t, { installationId, url: r.url, events: ['connector.status_changed'] });
    r.injectFault({ fault: { mode: 'status', status: 503, headers: { 'retry-after': '1' } }, times: 1 });
    const started = Date.now();
    await statuses(1, 500);
    await r.waitFor(1, 5000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect((await t.api('GET', `/api/subscriptions/${sub.id}`)).body.state).toBe('active');
  });

  it('does not let a hanging endpoint delay a healthy one', async () => {
    const slow = await rcv();
    const healthy = await rcv();
    slow.injectFault({ fault: { mode: 'hang' } });
    await subscribe(t, { installationId, url: slow.url, events: ['connector.status_changed'], timeoutMs: 5000 });
    await subscribe(t, { installationId, url: healthy.url, events: ['connector.status_changed'] });
    const started = Date.now();
    await statuses(3, 600);
    await healthy.waitFor(3, 3000);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(infos(healthy)).toEqual(['n600', 'n601', 'n602']);
    slow.clearFaults();
  });

  it('redelivers an event by id and replays a time window', async () => {
    const r = await rcv();
    const sub = await subscribe(t, { installationId, url: r.url, events: ['connector.status_changed'] });
    const from = new Date().toISOString();
    await statuses(3, 700);
    await r.waitFor(3);
    const to = new Date().toISOString();
    const first = r.deliveries[0].body;
    const redo = await t.api('POST', `/api/subscriptions/${sub.id}/redeliver`, { eventId: first.id });
    expect(redo.body).toMatchObject({ ok: true, status: 200 });
    expect(r.deliveries[3].body.id).toBe(first.id);
    const replay = await t.api('POST', `/api/subscriptions/${sub.id}/replay`, { from, to });
    expect(replay.status).toBe(202);
    expect(replay.body.events).toBe(3);
    await r.waitFor(7);
    expect(infos(r).slice(4)).toEqual(['n700', 'n701', 'n702']);
    expect((await t.api('POST', `/api/subscriptions/${sub.id}/redeliver`, { eventId: '00000000-0000-4000-8000-000000000000' })).status).toBe(404);
  });

  it('with blocking, delivers before the charger gets its reply; a failing subscriber never fails the reply', async () => {
    const r = await rcv();
    const sub = await subscribe(t, { installationId, url: r.url, events: ['session.started'], blocking: ['session.started'], blockingTimeoutMs: 500, timeoutMs: 1000 });
    const c = t.charger('D-2');
    await c.connect();
    r.injectFault({ fault: { mode: 'latency', ms: 150 }, times: 1 });
    const started = Date.now();
    const conf = await c.startTransaction({ connectorId: 2, idTag: 'VISITOR', meterStart: 0 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(r.deliveries.map((d) => d.body.data.transactionId)).toEqual([conf.transactionId]);

    r.injectFault({ fault: { mode: 'hang' }, times: 1 });
    const conf2 = await c.startTransaction({ connectorId: 3, idTag: '04AABBCCDDEEFF', meterStart: 0 });
    expect(conf2.idTagInfo.status).toBe('Accepted');
    // Fell back to the queue: delivered later, in order. Whichever path met the hang (the
    // blocking send, or the worker if it got there first), a later attempt delivered it.
    await r.waitFor(2, 10_000);
    const hung = r.requests.filter((x) => x.fault === 'hang');
    expect(hung.map((x) => x.headers['x-event-id'])).toEqual([r.deliveries[1].body.id]);
    expect(r.deliveries[1].body.data.transactionId).toBe(conf2.transactionId);
    await c.close();
  });

  it('rejects bad subscription bodies naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ events: ['*'] }, 'url'],
      [{ url: 'ftp://x/y', events: ['*'] }, 'url'],
      [{ url: 'http://127.0.0.1/x', events: [] }, 'events'],
      [{ url: 'http://127.0.0.1/x', events: ['session.exploded'] }, 'events.0'],
      [{ url: 'http://127.0.0.1/x', events: ['*'], filter: { idTagPattern: '([' } }, 'filter.idTagPattern'],
      [{ url: 'http://127.0.0.1/x', events: ['*'], authentication: { kind: 'basic' } }, 'authentication.username'],
      [{ kind: 'kafka', events: ['*'] }, 'kafka'],
      [{ url: 'http://127.0.0.1/x', events: ['*'], installationId: 'nope' }, 'installationId'],
      [{ url: 'http://127.0.0.1/x', events: ['*'], secret: 'short' }, 'secret'],
    ];
    for (const [body, field] of cases) {
      const res = await t.api('POST', '/api/subscriptions', { label: 'bad', ...body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.details.map((d: any) => d.field), JSON.stringify(body)).toContain(field);
    }
    expect(RECEIVER_SECRET).toBeTruthy();
  });
});
