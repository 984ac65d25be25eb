// Rotating a subscription's signing secret without refusing a single event: during the overlap
// the old and the new secret both sign (Standard Webhooks); X-Signature carries the new one.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { receiverPool, subscribe } from '../helpers/notifications.js';
import { engines } from '../helpers/databases.js';
import { signHmac } from '../../simulators/receiver/index.js';

const whsec = () => `whsec_${randomBytes(32).toString('base64')}`;
const HOUR = 3600_000;

describe.each(engines)('rotating a signing secret (%s)', (engine) => {
  let t: TestGateway;
  let installationId: string;
  const pool = receiverPool();
  const rcv = pool.start;

  beforeAll(async () => {
    t = await startTestGateway(engine);
    installationId = await t.installation(['R-1']);
  });
  afterAll(async () => {
    await t?.stop();
    await pool.closeAll();
  });

  async function status(): Promise<void> {
    const c = t.charger('R-1');
    await c.connect();
    await c.call('StatusNotification', { connectorId: 1, status: 'Available', errorCode: 'NoError' });
    await c.close();
  }
  const rotate = (id: string, body?: unknown) => t.api('POST', `/api/subscriptions/${id}/secret`, body);

  it('signs with both secrets during the overlap, so a receiver holding either accepts every event', async () => {
    const first = whsec();
    const r = await rcv({ scheme: 'standard-webhooks', secret: first });
    const sub = await subscribe(t, { installationId, url: r.url, events: ['connector.status_changed'], signature: 'standard-webhooks', secret: first });

    const started = Date.now();
    const rotated = await rotate(sub.id, { overlapHours: 2 });
    expect(rotated.status).toBe(200);
    const second: string = rotated.body.secret;
    expect(second).toMatch(/^whsec_/);
    expect(second).not.toBe(first);
    const until = Date.parse(rotated.body.previousSecretUntil);
    expect(until).toBeGreaterThanOrEqual(started + 2 * HOUR);
    expect(until).toBeLessThanOrEqual(Date.now() + 2 * HOUR);

    // The receiver still holds only the old secret: accepted.
    await status();
    expect((await r.waitFor(1))[0].signedWith).toEqual([first]);
    // It switches over during the overlap: accepted too, and both signatures were there.
    r.acceptSecrets([second, first]);
    await status();
    const [, both] = await r.waitFor(2);
    expect(both.signedWith).toEqual([second, first]);
    expect(String(both.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(r.rejected).toHaveLength(0);

    // Shown once: never in the subscription, its list, or the logs.
    const shown = JSON.stringify([(await t.api('GET', `/api/subscriptions/${sub.id}`)).body, (await t.api('GET', '/api/subscriptions')).body]);
    expect(shown).not.toContain(second);
    expect(JSON.stringify(t.logs)).not.toContain(second);
    const audit = (await t.api('GET', `/api/installations/${installationId}/audit`)).body.items;
    const entry = audit.find((a: any) => a.action === 'subscription.secret_rotated');
    expect(entry.changes.secret).toEqual({ changed: true });
    expect(JSON.stringify(audit)).not.toContain(second);
  });

  it('once the overlap is over, or with none, only the new secret signs', async () => {
    const first = whsec();
    const r = await rcv({ scheme: 'standard-webhooks', secret: first });
    const sub = await subscribe(t, { installationId, url: r.url, events: ['connector.status_changed'], signature: 'standard-webhooks', secret: first });
    const second = whsec();
    const now = await rotate(sub.id, { secret: second, overlapHours: 0 });
    expect(now.body).toMatchObject({ secret: second, previousSecretUntil: null });
    r.acceptSecrets([second, first]);
    await status();
    expect((await r.waitFor(1))[0].signedWith).toEqual([second]);

    // An overlap that has ended (set through the store: an hour is too long to wait).
    const third = whsec();
    await t.gw.store.subscriptions.rotateSecret(sub.id, third, new Date(Date.now() - 1).toISOString());
    expect((await t.api('GET', `/api/subscriptions/${sub.id}`)).body.previousSecretUntil).toBeNull();
    r.acceptSecrets([third, second]);
    await status();
    expect((await r.waitFor(2))[1].signedWith).toEqual([third]);
  });

  it('puts the new secret alone in X-Signature, and a PATCHed secret ends an overlap at once', async () => {
    const r = await rcv({ scheme: 'hmac-sha256', secret: 'first-secret-0123456789' });
    const sub = await subscribe(t, { installationId, url: r.url, events: ['connector.status_changed'], secret: 'first-secret-0123456789' });
    const rotated = await rotate(sub.id);
    // 24 hours unless told otherwise.
    expect(Date.parse(rotated.body.previousSecretUntil) - Date.now()).toBeGreaterThan(23 * HOUR);
    r.acceptSecrets([rotated.body.secret, 'first-secret-0123456789']);
    await status();
    const [d] = await r.waitFor(1);
    expect(d.signedWith).toEqual([rotated.body.secret]);
    expect(d.headers['x-signature']).toBe(signHmac(rotated.body.secret, d.rawBody));

    const patched = await t.api('PATCH', `/api/subscriptions/${sub.id}`, { secret: 'patched-secret-0123456789' });
    expect(patched.body.previousSecretUntil).toBeNull();
  });

  it('refuses a secret or an overlap out of bounds, naming the field', async () => {
    const sub = await subscribe(t, { installationId, url: 'http://127.0.0.1:9/hooks', events: ['connector.status_changed'], enabled: false });
    const bad = await rotate(sub.id, { secret: 'short', overlapHours: 169 });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: any) => d.field).sort()).toEqual(['overlapHours', 'secret']);
    expect((await rotate('00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });
});
