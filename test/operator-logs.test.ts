// The log an operator reads: a line per API request (pattern, status, time, request id; no body),
// sign-ins with their outcome, the id tag on Authorize and transaction lines of every version
// (masked when logIdTags is `masked`), and a queued subscription named by its label.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawLine, startTestGateway, type TestGateway } from './helpers/gateway.js';
import { receiverPool, subscribe } from './helpers/notifications.js';
import { call } from './helpers/portal.js';
import type { OcppVersion } from '../simulators/charger/versions.js';

const VERSIONS: OcppVersion[] = ['1.6', '2.0.1'];
const PROTOCOL: Record<string, string> = { '1.6': 'ocpp1.6', '2.0.1': 'ocpp2.0.1' };
const lines = (t: TestGateway, msg: string) => t.logs.filter((l) => l.msg === msg);

describe('the log', { timeout: 60_000 }, () => {
  let t: TestGateway;
  const receivers = receiverPool();
  beforeAll(async () => {
    t = await startTestGateway('sqlite', { adminPassword: 'first-password-1234', loginMaxFailures: 2, notificationRetryDelaysMs: [10, 10, 10] });
  });
  afterAll(async () => {
    await t?.stop();
    await receivers.closeAll();
  });

  it('has a line per API request with its route pattern, status, time and request id, and never its body', async () => {
    const res = await fetch(`http://127.0.0.1:${t.gw.httpPort}/api/installations`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-admin-token-0123456789', 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Logged', authentication: { mode: 'webhook', authUrl: 'http://127.0.0.1:9/a', authPayload: 'payload-in-the-body-4711' } }),
    });
    expect(res.status).toBe(201);
    const { id } = await res.json();
    await t.api('GET', `/api/installations/${id}`);
    const requestId = res.headers.get('x-request-id');
    await expect.poll(() => lines(t, 'api request').length).toBeGreaterThanOrEqual(2);
    expect(lines(t, 'api request')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ level: 30, method: 'POST', route: '/api/installations', status: 201, requestId, ms: expect.any(Number) }),
        expect.objectContaining({ method: 'GET', route: `/api/installations/:id`, status: 200 }),
      ]),
    );
    expect(t.logs.map(rawLine).join('\n')).not.toContain('payload-in-the-body-4711');
    expect(t.logs.map(rawLine).join('\n')).not.toContain(`/api/installations/${id}`);
  });

  it('says who signed in, who failed and who is locked out, never the password', async () => {
    const base = `http://127.0.0.1:${t.gw.httpPort}`;
    expect((await call(base, 'POST', '/api/auth/login', { email: 'Admin@Localhost', password: 'first-password-1234' })).status).toBe(200);
    for (let i = 0; i < 3; i++) await call(base, 'POST', '/api/auth/login', { email: 'admin@localhost', password: 'wrong-password-9876' });
    await expect.poll(() => lines(t, 'sign-in locked out').length).toBe(1);
    expect(lines(t, 'signed in')).toEqual([expect.objectContaining({ level: 30, email: 'admin@localhost', address: expect.any(String), userId: expect.any(String), secondFactor: false })]);
    expect(lines(t, 'sign-in failed')).toEqual([
      expect.objectContaining({ level: 40, email: 'admin@localhost', reason: 'wrong email or password' }),
      expect.objectContaining({ level: 40, email: 'admin@localhost', reason: 'wrong email or password' }),
    ]);
    expect(lines(t, 'sign-in locked out')[0]).toMatchObject({ level: 40, email: 'admin@localhost', retryAfterSec: expect.any(Number) });
    const all = t.logs.map(rawLine).join('\n');
    expect(all).not.toContain('wrong-password-9876');
    expect(all).not.toContain('first-password-1234');
  });

  it.each(VERSIONS)('names the id tag on Authorize and transaction lines (%s)', async (version) => {
    const chargerId = `LOG-${version.replaceAll('.', '')}`;
    await t.installation([chargerId], [{ idTag: `CARD-${chargerId}` }]);
    const c = t.charger(chargerId, { protocol: PROTOCOL[version] });
    await c.connect();
    const result = await c.runSession({ idTag: `CARD-${chargerId}`, meterIntervalMs: 10, meterSamples: 1, whPerSample: 100 });
    expect(result).toMatchObject({ authorizeStatus: 'Accepted', startStatus: 'Accepted' });
    const mine = (msg: string) => t.logs.filter((l) => l.msg === msg && l.chargerId === chargerId);
    await expect.poll(() => mine('transaction stopped').length).toBe(1);
    expect(mine('authorize')[0]).toMatchObject({ idTag: `CARD-${chargerId}`, status: 'Accepted' });
    expect(mine('transaction started')[0]).toMatchObject({ idTag: `CARD-${chargerId}` });
    expect(mine('transaction stopped')[0]).toMatchObject({ idTag: `CARD-${chargerId}` });
  });

  it('names a failing subscription by its label and id', async () => {
    const r = await receivers.start();
    r.injectFault({ fault: { mode: 'status', status: 503 } });
    const inst = await t.installation(['LOG-SUB']);
    const sub = await subscribe(t, { label: 'Billing export', installationId: inst, url: r.url, events: ['*'] });
    const c = t.charger('LOG-SUB');
    await c.connect();
    await c.boot();
    await expect.poll(() => lines(t, 'deliveries failing; subscription queued').length, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    expect(lines(t, 'deliveries failing; subscription queued')[0]).toMatchObject({ subscriptionId: sub.id, subscriptionLabel: 'Billing export' });
  });
});

describe('logIdTags: masked', { timeout: 60_000 }, () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway('sqlite', { logIdTags: 'masked' });
  });
  afterAll(() => t?.stop());

  it.each(VERSIONS)('shows only the last characters of the id tag (%s)', async (version) => {
    const chargerId = `MASK-${version.replaceAll('.', '')}`;
    const idTag = `04A2B3C4D5${version === '1.6' ? '16' : '21'}`;
    await t.installation([chargerId], [{ idTag }]);
    const c = t.charger(chargerId, { protocol: PROTOCOL[version] });
    await c.connect();
    await c.runSession({ idTag, meterIntervalMs: 10, meterSamples: 1, whPerSample: 100 });
    const mine = () => t.logs.filter((l) => l.chargerId === chargerId && ['authorize', 'transaction started', 'transaction stopped'].includes(l.msg));
    await expect.poll(() => mine().length).toBe(3);
    for (const line of mine()) expect(line.idTag).toBe(`*********${idTag.slice(-3)}`);
    expect(t.logs.map(rawLine).join('\n')).not.toContain(idTag);
  });
});
