// The delivery log as a subscriber debugs with it (as Svix shows it): each attempt's request and
// the endpoint's answer, filters, "retry all failed since …", and a test of any event type.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { RECEIVER_SECRET, receiverPool, subscribe } from '../helpers/notifications.js';
import { engines } from '../helpers/databases.js';
import { signHmac } from '../../simulators/receiver/index.js';
import { EXAMPLES } from '../../src/notifications/examples.js';

const fast = { notificationRetryDelaysMs: [20, 20, 20], notificationProbeMaxMs: 300 };

describe.each(engines)('the delivery log (%s)', (engine) => {
  let t: TestGateway;
  let installationId: string;
  const pool = receiverPool();
  const rcv = pool.start;

  beforeAll(async () => {
    t = await startTestGateway(engine, fast);
    installationId = await t.installation(['L-1']);
  });
  afterAll(async () => {
    await t?.stop();
    await pool.closeAll();
  });

  let counter = 0;
  /** One status event from L-1 with a unique info, returned. */
  async function status(): Promise<string> {
    const info = `log${++counter}`;
    const c = t.charger('L-1');
    await c.connect();
    await c.call('StatusNotification', { connectorId: 1, status: 'Available', errorCode: 'NoError', info });
    await c.close();
    return info;
  }
  const log = async (id: string, query = '') => (await t.api('GET', `/api/subscriptions/${id}/deliveries${query}`)).body.items;

  it("shows what each attempt sent, credentials hidden, and what the endpoint answered", async () => {
    const r = await rcv({ basicAuth: { username: 'hook', password: 'receiver-pass-42' } });
    const sub = await subscribe(t, {
      installationId, url: r.url, events: ['connector.status_changed'], authentication: { kind: 'basic', username: 'hook', password: 'receiver-pass-42' },
    });
    await status();
    const [got] = await r.waitFor(1);
    await expect.poll(async () => (await log(sub.id)).length).toBe(1);
    const [attempt] = await log(sub.id);
    expect(attempt.request).toMatchObject({ method: 'POST', url: r.url, body: got.rawBody });
    expect(attempt.request.headers).toMatchObject({
      'content-type': 'application/json',
      'x-event': 'connector.status_changed',
      'x-event-id': got.body.id,
      'x-signature': signHmac(RECEIVER_SECRET, got.rawBody),
      authorization: 'Basic [hidden]',
    });
    expect(attempt).toMatchObject({ ok: true, status: 200, response: '{"ok":true}' });
    expect(attempt.responseHeaders['content-type']).toMatch(/^application\/json/);
    const shown = JSON.stringify(await log(sub.id));
    expect(shown).not.toContain('receiver-pass-42');
    expect(shown).not.toContain(Buffer.from('hook:receiver-pass-42').toString('base64'));
  });

  it('keeps the first KiB of an answer and the answer of a refusal', async () => {
    const r = await rcv();
    const sub = await subscribe(t, { installationId, url: r.url, events: ['connector.status_changed'] });
    r.injectFault({ fault: { mode: 'status', status: 503, body: 'x'.repeat(5000), headers: { 'x-why': 'maintenance' } }, times: 1 });
    await status();
    await r.waitFor(1);
    await expect.poll(async () => (await log(sub.id)).length).toBe(2);
    const refused = (await log(sub.id, '?status=failed'))[0];
    expect(refused).toMatchObject({ ok: false, status: 503, response: 'x'.repeat(1024) });
    expect(refused.responseHeaders['x-why']).toBe('maintenance');
  });

  it('filters by status and by event type', async () => {
    const r = await rcv();
    const sub = await subscribe(t, { installationId, url: r.url, events: ['connector.status_changed', 'subscription.test'] });
    r.injectFault({ fault: { mode: 'status', status: 500 }, times: 1 });
    await status();
    await r.waitFor(1);
    // The worker logs its attempts in batches: both are in before the test's, so the order is known.
    await expect.poll(async () => (await log(sub.id)).length).toBe(2);
    expect((await t.api('POST', `/api/subscriptions/${sub.id}/test`)).body).toMatchObject({ ok: true });
    await expect.poll(async () => (await log(sub.id)).length).toBe(3);
    const summary = (items: any[]) => items.map((d) => [d.eventType, d.ok]);
    expect(summary(await log(sub.id, '?status=failed'))).toEqual([['connector.status_changed', false]]);
    expect(summary(await log(sub.id, '?status=delivered'))).toEqual([['subscription.test', true], ['connector.status_changed', true]]);
    expect(summary(await log(sub.id, '?eventType=subscription.test'))).toEqual([['subscription.test', true]]);
    expect(await log(sub.id, '?status=failed&eventType=subscription.test')).toEqual([]);
    const bad = await t.api('GET', `/api/subscriptions/${sub.id}/deliveries?status=broken&eventType=nope`);
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: any) => d.field).sort()).toEqual(['eventType', 'status']);
  });

  it('retries the events whose attempts since a time all failed, and those only', async () => {
    const r = await rcv();
    const sub = await subscribe(t, { installationId, url: r.url, events: ['connector.status_changed'] });
    const since = new Date().toISOString();
    // 410 disables the subscription: the event is given up on, and nothing meanwhile is tried.
    r.injectFault({ fault: { mode: 'status', status: 410 }, times: 1 });
    await status();
    await expect.poll(async () => (await t.api('GET', `/api/subscriptions/${sub.id}`)).body.state).toBe('disabled');
    const [failed] = await log(sub.id, '?status=failed');
    await t.api('PATCH', `/api/subscriptions/${sub.id}`, { enabled: true });

    const retried = await t.api('POST', `/api/subscriptions/${sub.id}/retry-failed`, { since });
    expect(retried).toMatchObject({ status: 202, body: { events: 1 } });
    const [again] = await r.waitFor(1);
    expect(again.body.id).toBe(failed.eventId);
    // Delivered now: nothing left to retry.
    await expect.poll(async () => (await log(sub.id, '?status=delivered')).length).toBe(1);
    expect((await t.api('POST', `/api/subscriptions/${sub.id}/retry-failed`, { since })).body).toEqual({ events: 0 });
    // Failures before `since` are not retried.
    expect((await t.api('POST', `/api/subscriptions/${sub.id}/retry-failed`, { since: new Date().toISOString() })).body).toEqual({ events: 0 });
    const bad = await t.api('POST', `/api/subscriptions/${sub.id}/retry-failed`, { since: 'yesterday' });
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].field).toBe('since');
  });

  it('leaves failed events still waiting in the queue to the queue, so none is sent twice', async () => {
    const r = await rcv();
    const sub = await subscribe(t, { installationId, url: r.url, events: ['connector.status_changed'] });
    const since = new Date().toISOString();
    r.injectFault({ fault: { mode: 'status', status: 503 } });
    await status();
    await expect.poll(async () => (await t.api('GET', `/api/subscriptions/${sub.id}`)).body.state).toBe('queued');
    expect((await t.api('POST', `/api/subscriptions/${sub.id}/retry-failed`, { since })).body).toEqual({ events: 0 });
    r.clearFaults();
    await r.waitFor(1);
    await expect.poll(async () => (await t.api('GET', `/api/subscriptions/${sub.id}`)).body.state).toBe('active');
    expect(r.deliveries).toHaveLength(1);
  });

  it("sends the catalogue's example of a picked event type, signed, for this installation and one of its chargers", async () => {
    const r = await rcv();
    const sub = await subscribe(t, { installationId, url: r.url, events: ['session.stopped', 'authorization.decided'] });
    const sent = await t.api('POST', `/api/subscriptions/${sub.id}/test`, { eventType: 'session.stopped' });
    expect(sent.body).toMatchObject({ ok: true, status: 200 });
    const [got] = await r.waitFor(1);
    expect(got.verified).toBe(true);
    expect(got.body).toMatchObject({ id: sent.body.eventId, type: 'session.stopped', version: 1, installationId, chargerId: 'L-1', data: EXAMPLES['session.stopped'] });
    expect(got.headers['x-event']).toBe('session.stopped');
    expect((await log(sub.id))[0]).toMatchObject({ eventType: 'session.stopped', mode: 'test', ok: true });

    // Without a pick, the plain test event; a type the subscription does not take is refused, naming the field.
    await t.api('POST', `/api/subscriptions/${sub.id}/test`);
    expect((await r.waitFor(2))[1].body.type).toBe('subscription.test');
    const refused = await t.api('POST', `/api/subscriptions/${sub.id}/test`, { eventType: 'charger.booted' });
    expect(refused.status).toBe(400);
    expect(refused.body.details).toEqual([{ field: 'eventType', message: expect.stringContaining('session.stopped') }]);
    expect(r.attempts()).toBe(2);
  });
});
