// Stored secrets are write-only: nobody reads them back, so nobody may send them elsewhere either.
// Changing a URL or broker list that receives a stored secret needs the secret again in the same
// request; the ownership challenge carries no credentials. The caller is a service member, who
// may change these settings but reads `password=***`.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../helpers/databases.js';
import { PROVIDER_PASSWORD, basicPayload, oauthPayload, startProviderSetup, type ProviderSetup } from '../helpers/provider.js';
import { receiverPool, subscribe } from '../helpers/notifications.js';
import { startMiniKafka, type MiniKafka } from '../helpers/miniKafka/index.js';
import { enrolTotp, signIn, type PortalSession } from '../helpers/portal.js';
import type { Receiver } from '../../simulators/receiver/index.js';

const SUB_PASSWORD = 'b1ll-Subscription-Pass';
const KAFKA_PASSWORD = 'kafka-Secret-Pass-1';

/** Everything a receiver got, as text, and whether any request carried credentials. */
const seenBy = (r: Receiver) => JSON.stringify([r.requests, r.deliveries, r.rejected]);
const credentialed = (r: Receiver) => r.requests.filter((q) => q.headers.authorization !== undefined);

describe.each(engines)('where stored secrets may go (%s)', (engine) => {
  let w: ProviderSetup;
  let service: PortalSession;
  let evil: Receiver;
  let billing: Receiver;
  let broker: MiniKafka;
  let evilBroker: MiniKafka;
  const receivers = receiverPool();
  let oauth: string;
  let basic: string;
  let bare: string;

  beforeAll(async () => {
    w = await startProviderSetup(engine, { adminEmail: 'root@example.com', adminPassword: 'root-password-123' });
    evil = await receivers.start({ scheme: 'none' });
    billing = await receivers.start({ basicAuth: { username: 'billing', password: SUB_PASSWORD } });
    broker = await startMiniKafka({ sasl: { username: 'gw', password: KAFKA_PASSWORD } });
    evilBroker = await startMiniKafka({ sasl: { username: 'gw', password: 'whatever-they-send' } });
    const p = w.provider;
    oauth = await w.installation([], { mode: 'webhook', authUrl: p.tokenUrl, authPayload: oauthPayload, sessionStartUrl: p.startUrl, sessionEndUrl: p.endUrl });
    basic = await w.installation([], { mode: 'webhook', authPayload: basicPayload, sessionStartUrl: p.startUrl, sessionEndUrl: p.endUrl });
    bare = await w.installation([], { mode: 'webhook', sessionStartUrl: p.startUrl });
    const admin = (method: string, path: string, body?: unknown) => w.t.api(method, path, body);
    await admin('POST', '/api/users', { email: 'service@example.com', password: 'service password 1' });
    for (const id of [oauth, basic, bare]) await admin('POST', `/api/installations/${id}/members`, { email: 'service@example.com', role: 'service' });
    service = await signIn(`http://127.0.0.1:${w.t.gw.httpPort}`, 'service@example.com', 'service password 1');
    await enrolTotp(service);
  });
  afterAll(async () => {
    await w?.stop();
    await receivers.closeAll();
    await broker?.close();
    await evilBroker?.close();
  });

  const patchInstallation = (id: string, authentication: Record<string, unknown>) => service.request('PATCH', `/api/installations/${id}`, { authentication });

  it('refuses to point a stored authentication payload at a new URL unless the payload is given again', async () => {
    for (const id of [oauth, basic]) {
      for (const field of ['authUrl', 'sessionStartUrl', 'sessionEndUrl']) {
        const res = await patchInstallation(id, { [field]: `${evil.url}/${field}` });
        expect(res.status, field).toBe(400);
        expect(res.body.error, field).toBe('SECRET_REQUIRED');
        expect(res.body.details, field).toEqual([{ field: 'authentication.authPayload', message: expect.stringContaining(`authentication.${field}`) }]);
      }
      // The Test button and a charger's Authorize still call the provider, never the new URL.
      expect((await service.request('POST', `/api/installations/${id}/authentication/test`, { idTag: 'GOOD-1' })).status).toBe(200);
    }
    expect(evil.requests).toEqual([]);
    expect((await w.t.api('GET', `/api/installations/${oauth}`)).body.authentication).toMatchObject({ authUrl: w.provider.tokenUrl, sessionStartUrl: w.provider.startUrl });
  });

  it('takes a new URL with the payload given again, a repeated URL without it, and any URL where no payload is stored', async () => {
    const same = await patchInstallation(oauth, { authUrl: w.provider.tokenUrl, sessionStartUrl: w.provider.startUrl, offlineAllow: true });
    expect(same.status).toBe(200);
    expect((await patchInstallation(bare, { sessionStartUrl: `${evil.url}/start` })).status).toBe(200);

    const own = 'grant_type=password&username=mine&password=my-own-password';
    expect((await patchInstallation(basic, { authUrl: `${evil.url}/token`, authPayload: own })).status).toBe(200);
    await service.request('POST', `/api/installations/${basic}/authentication/test`, { idTag: 'GOOD-1' });
    // The new URL got the payload the caller typed, never the one stored before.
    expect(seenBy(evil)).toContain('my-own-password');
    expect(seenBy(evil)).not.toContain(PROVIDER_PASSWORD);
  });

  it("refuses to point a subscription's Basic password at a new URL unless it is given again", async () => {
    const sub = await subscribe(w.t, {
      installationId: oauth, url: billing.url, events: ['*'], enabled: false, authentication: { kind: 'basic', username: 'billing', password: SUB_PASSWORD },
    });
    const patch = (body: unknown) => service.request('PATCH', `/api/subscriptions/${sub.id}`, body);
    const moved = await patch({ url: `${evil.url}/stolen` });
    expect(moved.status).toBe(400);
    expect(moved.body).toMatchObject({ error: 'SECRET_REQUIRED', details: [{ field: 'authentication.password', message: expect.stringContaining('url') }] });
    // Switching Basic off first does not help: the password stays stored, so the URL still needs it.
    expect((await patch({ authentication: { kind: 'none' } })).status).toBe(200);
    expect((await patch({ url: `${evil.url}/stolen` })).status).toBe(400);
    expect((await patch({ authentication: { kind: 'basic', username: 'billing' } })).status).toBe(200);

    expect((await service.request('POST', `/api/subscriptions/${sub.id}/test`)).body.ok).toBe(true);
    expect(billing.deliveries).toHaveLength(1);
    expect(seenBy(evil)).not.toContain(Buffer.from(`billing:${SUB_PASSWORD}`).toString('base64'));
    expect(credentialed(evil)).toEqual([]);

    expect((await patch({ url: billing.url, label: 'same url' })).status).toBe(200);
    const given = await patch({ url: `${evil.url}/mine`, authentication: { kind: 'basic', username: 'me', password: 'my-own-password' } });
    expect(given.status).toBe(200);
  });

  it("refuses to point a Kafka subscription's SASL password at new brokers unless it is given again", async () => {
    const kafka = { brokers: broker.brokers, topic: 'events', securityProtocol: 'SASL_PLAINTEXT', saslMechanism: 'PLAIN', username: 'gw' };
    const sub = await subscribe(w.t, { installationId: oauth, kind: 'kafka', events: ['*'], enabled: false, kafka: { ...kafka, password: KAFKA_PASSWORD } });
    const moved = await service.request('PATCH', `/api/subscriptions/${sub.id}`, { kafka: { ...kafka, brokers: evilBroker.brokers } });
    expect(moved.status).toBe(400);
    expect(moved.body).toMatchObject({ error: 'SECRET_REQUIRED', details: [{ field: 'kafka.password', message: expect.stringContaining('kafka.brokers') }] });

    expect((await service.request('POST', `/api/subscriptions/${sub.id}/test`)).body.ok).toBe(true);
    expect(broker.records.some((r) => r.topic === 'events')).toBe(true);
    expect(evilBroker.requests.map((r) => r.api)).not.toContain('SaslAuthenticate');

    expect((await service.request('PATCH', `/api/subscriptions/${sub.id}`, { kafka: { ...kafka, topic: 'other' } })).status).toBe(200);
    expect((await service.request('PATCH', `/api/subscriptions/${sub.id}`, { kafka: { ...kafka, brokers: evilBroker.brokers, password: 'mine' } })).status).toBe(200);
  });

  it('sends the ownership challenge without credentials', async () => {
    const sub = await subscribe(w.t, {
      installationId: oauth, url: `${evil.url}/challenged`, events: ['*'], verify: true, authentication: { kind: 'basic', username: 'billing', password: SUB_PASSWORD },
    });
    const challenges = evil.requests.filter((r) => r.method === 'GET' && r.path === '/hooks/challenged');
    expect(challenges).toHaveLength(1);
    expect(challenges[0].headers.authorization).toBeUndefined();
    // The HMAC of the challenge proves ownership; no password was needed for it.
    expect(sub.verification).toEqual({ verified: true });
  });
});
