import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { basicPayload, oauthPayload, PROVIDER_PASSWORD, startProviderSetup, type ProviderSetup } from '../helpers/provider.js';
import { closedPort } from '../helpers/ports.js';

describe('credentials on webhook calls', () => {
  let w: ProviderSetup;
  beforeAll(async () => {
    w = await startProviderSetup('sqlite', { decisionCacheTtlSec: 0 }, { tokenTtlSec: 2, rules: { defaultAllowed: true } });
  });
  afterAll(() => w?.stop());

  it('posts the OAuth payload faithfully as a form and sends the bearer token', async () => {
    await w.installation(['OA-1'], { mode: 'webhook', authUrl: w.provider.tokenUrl, authPayload: oauthPayload, sessionStartUrl: w.provider.startUrl });
    const c = w.t.charger('OA-1');
    await c.connect();
    expect((await c.authorize('CARD-A')).idTagInfo.status).toBe('Accepted');
    const token = w.provider.received.tokens.at(-1)!;
    expect(token.contentType).toMatch(/^application\/x-www-form-urlencoded/);
    expect(token.body).toEqual({ grant_type: 'password', username: 'gateway', password: PROVIDER_PASSWORD, scope: 'charging' });
    expect(String(w.provider.received.starts.at(-1)!.headers.authorization)).toMatch(/^Bearer /);
  });

  it('asks for one token however many chargers authorize at once, and renews it at expiry', async () => {
    const ids = ['OA-2', 'OA-3', 'OA-4', 'OA-5'];
    await w.installation(ids, { mode: 'webhook', authUrl: w.provider.tokenUrl, authPayload: oauthPayload, sessionStartUrl: w.provider.startUrl });
    const chargers = ids.map((id) => w.t.charger(id));
    await Promise.all(chargers.map((c) => c.connect()));
    const before = w.provider.counts().token;
    const replies = await Promise.all(chargers.flatMap((c, i) => [c.authorize(`T${i}a`), c.authorize(`T${i}b`)]));
    expect(replies.every((r) => r.idTagInfo.status === 'Accepted')).toBe(true);
    expect(w.provider.counts().token - before).toBe(1);
    await sleep(2100); // the 2 s token has expired
    expect((await chargers[0].authorize('AFTER-EXPIRY')).idTagInfo.status).toBe('Accepted');
    expect(w.provider.counts().token - before).toBe(2);
  });

  it('fetches a new token once and retries once after a 401', async () => {
    const id = await w.installation(['OA-6'], { mode: 'webhook', authUrl: w.provider.tokenUrl, authPayload: oauthPayload, sessionStartUrl: w.provider.startUrl });
    expect(id).toBeTruthy();
    const c = w.t.charger('OA-6');
    await c.connect();
    await c.authorize('WARM-UP');
    const tokens = w.provider.counts().token;
    const starts = w.provider.counts().start;
    w.provider.revokeTokens();
    expect((await c.authorize('AFTER-REVOKE')).idTagInfo.status).toBe('Accepted');
    expect(w.provider.counts().token - tokens).toBe(1);
    expect(w.provider.counts().start - starts).toBe(2);
  });

  it('uses HTTP Basic from the payload when there is no authentication URL', async () => {
    await w.installation(['BA-1'], { mode: 'webhook', authPayload: basicPayload, sessionStartUrl: w.provider.startUrl });
    const c = w.t.charger('BA-1');
    await c.connect();
    expect((await c.authorize('BASIC-CARD')).idTagInfo.status).toBe('Accepted');
    const auth = String(w.provider.received.starts.at(-1)!.headers.authorization);
    expect(Buffer.from(auth.replace(/^Basic /, ''), 'base64').toString()).toBe(`gateway:${PROVIDER_PASSWORD}`);
  });

  it('treats a provider that refuses the credentials (401) as a refusal', async () => {
    await w.installation(['BA-2'], { mode: 'webhook', authPayload: 'username=gateway&password=wrong', sessionStartUrl: w.provider.startUrl });
    const c = w.t.charger('BA-2');
    await c.connect();
    expect((await c.authorize('BASIC-CARD')).idTagInfo.status).toBe('Invalid');
  });

  it('counts a failing token service as the provider being unreachable', async () => {
    await w.installation(['OA-7'], {
      mode: 'webhook',
      authUrl: w.provider.tokenUrl,
      authPayload: 'grant_type=password&username=gateway&password=nope',
      sessionStartUrl: w.provider.startUrl,
      offlineAllow: true,
    });
    const c = w.t.charger('OA-7');
    await c.connect();
    const { transactionId, idTagInfo } = await c.startTransaction({ connectorId: 1, idTag: 'ANY', meterStart: 0 });
    expect(idTagInfo.status).toBe('Accepted');
    expect(await w.t.gw.store.transactions.get(transactionId)).toMatchObject({ authorizedOffline: true });
    expect(w.t.logs.some((l) => l.msg === 'provider unreachable' && l.reason === 'token_rejected')).toBe(true);
  });

  it('counts a token service nobody listens on as the provider being unreachable', async () => {
    await w.installation(['OA-8'], {
      mode: 'webhook',
      authUrl: `http://127.0.0.1:${await closedPort()}/oauth/token`,
      authPayload: oauthPayload,
      sessionStartUrl: w.provider.startUrl,
      offlineAllow: true,
    });
    const c = w.t.charger('OA-8');
    await c.connect();
    const starts = w.provider.counts().start;
    const { transactionId, idTagInfo } = await c.startTransaction({ connectorId: 1, idTag: 'NO-TOKEN', meterStart: 0 });
    expect(idTagInfo.status).toBe('Accepted');
    expect(await w.t.gw.store.transactions.get(transactionId)).toMatchObject({
      authorizedOffline: true,
      authorization: { source: 'offline', reason: 'offline_allowed:token_unreachable' },
    });
    expect(w.provider.counts().start).toBe(starts);
  });

  it('counts a token reply without access_token as the provider being unreachable', async () => {
    await w.installation(['OA-9'], { mode: 'webhook', authUrl: w.provider.tokenUrl, authPayload: oauthPayload, sessionStartUrl: w.provider.startUrl });
    const c = w.t.charger('OA-9');
    await c.connect();
    const starts = w.provider.counts().start;
    w.provider.injectFault({ path: 'token', fault: { mode: 'status', status: 200, body: JSON.stringify({ token_type: 'Bearer', expires_in: 60 }) }, times: 1 });
    const { transactionId, idTagInfo } = await c.startTransaction({ connectorId: 1, idTag: 'EMPTY-TOKEN', meterStart: 0 });
    w.provider.clearFaults();
    // offlineAllow is off: the offline policy refuses, where a provider refusal would be the webhook's.
    expect(idTagInfo.status).toBe('Invalid');
    expect((await w.t.gw.store.transactions.get(transactionId))?.authorization).toMatchObject({
      source: 'offline',
      reason: 'offline_denied:token_malformed',
    });
    expect(w.provider.counts().start).toBe(starts);
  });

  it('never shows the payload password in logs or API replies', async () => {
    const id = await w.installation([], { mode: 'webhook', authPayload: basicPayload, sessionStartUrl: w.provider.startUrl });
    const got = await w.t.api('GET', `/api/installations/${id}`);
    expect(got.body.authentication.authPayload).toBe('username=gateway&password=***');
    const list = await w.t.api('GET', '/api/installations');
    expect(JSON.stringify(list.body)).not.toContain(PROVIDER_PASSWORD);
    expect(JSON.stringify(w.t.logs)).not.toContain(PROVIDER_PASSWORD);
  });
});
