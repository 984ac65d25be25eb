import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicPayload, startProviderSetup, type ProviderSetup } from '../../helpers/provider.js';
import { receiver, subscribe } from '../../helpers/notifications.js';
import type { Receiver } from '../../../simulators/receiver/index.js';
import type { SimCharger } from '../../../simulators/charger/charger.js';

const TTL_SEC = 120;

/** 2.0.1 Authorize through the provider's session.start webhook (provider simulator), beside a 1.6 charger. */
describe('2.0.1 Authorize in webhook mode', () => {
  let w: ProviderSetup;
  let r: Receiver;
  let c: SimCharger;
  let old: SimCharger;
  beforeAll(async () => {
    w = await startProviderSetup('sqlite', { decisionCacheTtlSec: TTL_SEC }, {
      rules: { allow: ['PROV-OK', 'PROV-GROUP'], deny: [{ idTag: 'PROV-BLOCKED', status: 'Blocked' }] },
    });
    r = await receiver();
    await subscribe(w.t, { url: r.url, events: ['authorization.decided'] });
    await w.installation(['WH-2', 'WH-16'], { mode: 'webhook', authPayload: basicPayload, sessionStartUrl: w.provider.startUrl, offlineAllow: true });
    c = w.t.charger('WH-2', { protocol: 'ocpp2.0.1' });
    old = w.t.charger('WH-16');
    await c.connect();
    await old.connect();
  });
  afterAll(async () => {
    await w?.stop();
    await r?.close();
  });

  const authorize = async (idToken: string, type = 'eMAID') => (await c.call('Authorize', { idToken: { idToken, type } })).idTokenInfo;
  const lastStart = () => w.provider.received.starts.at(-1)!.body;

  it('asks the provider with the token type and the OCPP version, and lets the charger cache the answer as long as the gateway would', async () => {
    const before = Date.now();
    const info = await authorize('PROV-OK');
    expect(info.status).toBe('Accepted');
    expect(lastStart()).toMatchObject({ type: 'session.start', version: 1, trigger: 'Authorize', idTag: 'PROV-OK', idTokenType: 'eMAID', ocppVersion: '2.0.1', chargerId: 'WH-2' });
    const expiry = Date.parse(info.cacheExpiryDateTime);
    expect(expiry).toBeGreaterThanOrEqual(before + TTL_SEC * 1000 - 1000);
    expect(expiry).toBeLessThanOrEqual(Date.now() + TTL_SEC * 1000 + 1000);
  });

  it('passes a refusal on with its status', async () => {
    expect((await authorize('PROV-BLOCKED')).status).toBe('Blocked');
    expect((await authorize('PROV-NOBODY')).status).toBe('Invalid');
  });

  it('asks about a 2.1 DirectPayment token like any other', async () => {
    const c21 = w.t.charger('WH-21', { protocol: 'ocpp2.1' });
    await w.t.api('POST', `/api/installations/${(await w.t.api('GET', '/api/chargers/WH-2')).body.installationId}/chargers`, { id: 'WH-21' });
    await c21.connect();
    const info = (await c21.call('Authorize', { idToken: { idToken: 'PROV-GROUP', type: 'DirectPayment' } })).idTokenInfo;
    expect(info.status).toBe('Accepted');
    expect(lastStart()).toMatchObject({ idTag: 'PROV-GROUP', idTokenType: 'DirectPayment', ocppVersion: '2.1' });
    await c21.close();
  });

  it('tells the charger not to cache an acceptance the offline policy made while the provider was down', async () => {
    w.provider.injectFault({ path: 'start', fault: { mode: 'status', status: 503 } });
    try {
      const info = await authorize('PROV-UNSEEN');
      expect(info.status).toBe('Accepted');
      expect(Date.parse(info.cacheExpiryDateTime)).toBeLessThan(Date.now());
    } finally {
      w.provider.clearFaults();
    }
  });

  it('serves a 1.6 charger of the same installation from the same provider, without 2.0.1 fields', async () => {
    expect((await old.authorize('PROV-GROUP')).idTagInfo.status).toBe('Accepted');
    const body = lastStart();
    expect(body).toMatchObject({ trigger: 'Authorize', idTag: 'PROV-GROUP', chargerId: 'WH-16' });
    expect(body.idTokenType).toBeUndefined();
  });

  it('publishes authorization.decided with the OCPP version and the token type', async () => {
    const decided = () => r.deliveries.map((d) => d.body.data);
    await expect
      .poll(decided, { timeout: 15_000 })
      .toContainEqual(expect.objectContaining({ trigger: 'Authorize', idTag: 'PROV-BLOCKED', idTokenType: 'eMAID', status: 'Blocked', source: 'webhook', ocppVersion: '2.0.1' }));
    await expect.poll(decided, { timeout: 15_000 }).toContainEqual(expect.objectContaining({ idTag: 'PROV-GROUP', ocppVersion: '1.6' }));
  });
});
