// POST /api/installations/:id/authentication/test: the portal's Test button. Calls the stored
// provider now (token, then session start marked `test: true`) and reports each step and the
// decision a charger's Authorize would get, without a secret in the reply or anything started.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDER_PASSWORD, basicPayload, oauthPayload, startProviderSetup, type ProviderSetup } from '../helpers/provider.js';

describe.each(['sqlite', 'postgres'] as const)('authentication test (%s)', (engine) => {
  let w: ProviderSetup;
  let oauth: string;
  const test = (installationId: string, body: unknown) => w.t.api('POST', `/api/installations/${installationId}/authentication/test`, body);

  beforeAll(async () => {
    w = await startProviderSetup(engine, {}, {
      rules: { allow: ['GOOD-1'], deny: [{ idTag: 'STOLEN-1', status: 'Blocked', reason: 'reported stolen' }] },
    });
    const p = w.provider;
    oauth = await w.installation(['TST-1'], { mode: 'webhook', authUrl: p.tokenUrl, authPayload: oauthPayload, sessionStartUrl: p.startUrl, offlineAllow: true });
  });
  afterEach(() => w.provider.clearFaults());
  afterAll(() => w?.stop());

  it('reports the token, the provider’s acceptance and the decision, marked as a test at the provider', async () => {
    const res = await test(oauth, { idTag: 'GOOD-1' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      token: { ok: true, ms: expect.any(Number) },
      sessionStart: { ok: true, status: 200, ms: expect.any(Number), body: { allowed: true } },
      decision: { status: 'Accepted', source: 'webhook', reason: 'provider_allowed' },
    });
    expect(w.provider.received.starts.at(-1)?.body).toMatchObject({ type: 'session.start', trigger: 'Authorize', idTag: 'GOOD-1', installationId: oauth, test: true });
    const text = JSON.stringify(res.body);
    expect(text).not.toContain(PROVIDER_PASSWORD);
    expect(text).not.toContain(String(w.provider.received.starts.at(-1)?.headers.authorization).replace('Bearer ', ''));
  });

  it('starts nothing and leaves no decision behind: a charger’s Authorize still asks the provider', async () => {
    await test(oauth, { idTag: 'GOOD-1' });
    const starts = w.provider.received.starts.length;
    const c = w.t.charger('TST-1');
    await c.connect();
    expect((await c.authorize('GOOD-1')).idTagInfo.status).toBe('Accepted');
    expect(w.provider.received.starts.length).toBe(starts + 1);
    expect(w.provider.received.starts.at(-1)?.body.test).toBeUndefined();
    expect((await w.t.api('GET', `/api/transactions?installationId=${oauth}`)).body.items).toEqual([]);
    await c.close();
  });

  it('reports a refusal with the provider’s reply and status', async () => {
    const res = await test(oauth, { idTag: 'STOLEN-1' });
    expect(res.body).toMatchObject({
      sessionStart: { ok: true, status: 200, body: { allowed: false, status: 'Blocked' } },
      decision: { status: 'Blocked', source: 'webhook', reason: 'provider_refused:reported stolen' },
    });
  });

  it('applies the offline policy when the provider is unreachable', async () => {
    w.provider.injectFault({ path: 'start', fault: { mode: 'status', status: 503 } });
    const res = await test(oauth, { idTag: 'ANYONE' });
    expect(res.body).toMatchObject({
      token: { ok: true },
      sessionStart: { ok: false, status: 503, error: 'provider answered 503' },
      decision: { status: 'Accepted', source: 'offline', reason: 'offline_allowed:http_503' },
    });
  });

  it('reports a failing token service, without calling session start', async () => {
    const denying = await w.installation([], { mode: 'webhook', authUrl: w.provider.tokenUrl, authPayload: oauthPayload, sessionStartUrl: w.provider.startUrl, offlineAllow: false });
    w.provider.injectFault({ path: 'token', fault: { mode: 'status', status: 500 } });
    const starts = w.provider.received.starts.length;
    const res = await test(denying, { idTag: 'GOOD-1' });
    expect(res.body).toEqual({
      token: { ok: false, ms: expect.any(Number), error: 'token service answered 500' },
      sessionStart: null,
      decision: { status: 'Invalid', source: 'offline', reason: 'offline_denied:token_rejected' },
    });
    expect(w.provider.received.starts.length).toBe(starts);
  });

  it('decides natively without a session start URL, and with Basic credentials no token is fetched', async () => {
    const native = await w.installation([], { mode: 'native' });
    await w.t.api('POST', `/api/installations/${native}/id-tags`, { idTag: 'LOCAL-1' });
    expect((await test(native, { idTag: 'LOCAL-1' })).body).toEqual({ token: null, sessionStart: null, decision: { status: 'Accepted', source: 'native', reason: 'accepted' } });
    const basic = await w.installation([], { mode: 'webhook', authPayload: basicPayload, sessionStartUrl: w.provider.startUrl });
    expect((await test(basic, { idTag: 'GOOD-1' })).body).toMatchObject({ token: null, sessionStart: { ok: true }, decision: { status: 'Accepted' } });
  });

  it('names a missing or bad idTag, and answers 404 for an unknown installation', async () => {
    expect((await test(oauth, {})).body.details).toEqual([{ field: 'idTag', message: 'is required' }]);
    expect((await test(oauth, { idTag: 'X'.repeat(37) })).body.details[0].field).toBe('idTag');
    expect((await test('00000000-0000-4000-8000-000000000000', { idTag: 'GOOD-1' })).status).toBe(404);
  });
});
