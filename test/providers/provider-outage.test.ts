import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { basicPayload, startProviderSetup, type ProviderSetup } from '../helpers/provider.js';
import { startProvider, type Fault } from '../../simulators/provider/index.js';

describe('when the provider cannot be reached', () => {
  let w: ProviderSetup;
  beforeAll(async () => {
    w = await startProviderSetup('sqlite', { decisionCacheTtlSec: 0, breakerFailures: 3, breakerCooldownMs: 400 }, { rules: { allow: ['KNOWN'] } });
  });
  afterAll(() => w?.stop());

  async function charger(id: string, offlineAllow: boolean, sessionStartUrl = w.provider.startUrl) {
    await w.installation([id], { mode: 'webhook', authPayload: basicPayload, sessionStartUrl, offlineAllow, timeoutMs: 300 });
    const c = w.t.charger(id);
    await c.connect();
    return c;
  }

  const faults: [string, Fault][] = [
    ['a timeout', { mode: 'hang' }],
    ['a 500', { mode: 'status', status: 500 }],
    ['a 408', { mode: 'status', status: 408 }],
    ['a 429', { mode: 'status', status: 429 }],
    ['a closed connection', { mode: 'close' }],
    ['a malformed reply', { mode: 'malformed' }],
    ['an oversized reply', { mode: 'status', status: 200, body: JSON.stringify({ allowed: true, reason: 'x'.repeat(70_000) }) }],
  ];

  it.each(faults)('applies the offline policy on %s: allowed when offlineAllow is on, Invalid when off', async (name, fault) => {
    const slug = name.replace(/\W+/g, '-');
    const on = await charger(`ON${slug}`, true);
    const off = await charger(`OFF${slug}`, false);
    w.provider.injectFault({ path: 'start', fault, times: 2 });
    const allowed = await on.startTransaction({ connectorId: 1, idTag: `X${slug}`.slice(0, 20), meterStart: 0 });
    const denied = await off.startTransaction({ connectorId: 1, idTag: `Y${slug}`.slice(0, 20), meterStart: 0 });
    w.provider.clearFaults();
    expect(allowed.idTagInfo.status).toBe('Accepted');
    expect(denied.idTagInfo.status).toBe('Invalid');
    expect(await w.t.gw.store.transactions.get(allowed.transactionId)).toMatchObject({ authorizedOffline: true, authorization: { source: 'offline' } });
    expect((await w.t.gw.store.transactions.get(denied.transactionId))?.authorization.reason).toMatch(/^offline_denied:/);
    // Refused by the offline policy is not "authorized offline", in the store or through the API.
    expect(await w.t.gw.store.transactions.get(denied.transactionId)).toMatchObject({ authorizedOffline: false });
    expect((await w.t.api('GET', `/api/transactions/${denied.transactionId}`)).body).toMatchObject({ authorizedOffline: false });
  });

  it('names a hanging provider a timeout once the installation deadline passes', async () => {
    const off = await charger('DEADLINE', false);
    w.provider.injectFault({ path: 'start', fault: { mode: 'hang' }, times: 1 });
    const started = Date.now();
    const denied = await off.startTransaction({ connectorId: 1, idTag: 'DEADLINE-TAG', meterStart: 0 });
    w.provider.clearFaults();
    // The installation's timeoutMs is 300: answered by the offline policy, not by the charger's own call timeout.
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await w.t.gw.store.transactions.get(denied.transactionId))?.authorization.reason).toBe('offline_denied:timeout');
  });

  it('never follows a redirect, even to a provider that would accept the tag', async () => {
    // The redirect comes from another server, so the real provider's start counter shows whether it was followed.
    const redirector = await startProvider();
    try {
      redirector.injectFault({ path: 'start', fault: { mode: 'status', status: 307, headers: { location: w.provider.startUrl } } });
      const on = await charger('REDIR-ON', true, redirector.startUrl);
      const off = await charger('REDIR-OFF', false, redirector.startUrl);
      const before = w.provider.counts().start;
      const allowed = await on.startTransaction({ connectorId: 1, idTag: 'KNOWN', meterStart: 0 });
      const denied = await off.startTransaction({ connectorId: 1, idTag: 'KNOWN', meterStart: 0 });
      expect(redirector.counts().start).toBe(2);
      expect(w.provider.counts().start - before).toBe(0);
      expect(allowed.idTagInfo.status).toBe('Accepted');
      expect(denied.idTagInfo.status).toBe('Invalid');
      expect((await w.t.gw.store.transactions.get(allowed.transactionId))?.authorization).toMatchObject({
        status: 'Accepted',
        source: 'offline',
        reason: 'offline_allowed:redirect_not_followed',
      });
      expect((await w.t.gw.store.transactions.get(denied.transactionId))?.authorization.reason).toBe('offline_denied:redirect_not_followed');
    } finally {
      await redirector.close();
    }
  });

  it('refuses on a 403 without applying the offline policy: Invalid, decided by the webhook', async () => {
    const c = await charger('FORBID-ON', true);
    w.provider.injectFault({ path: 'start', fault: { mode: 'status', status: 403 }, times: 1 });
    const { transactionId, idTagInfo } = await c.startTransaction({ connectorId: 1, idTag: 'KNOWN', meterStart: 0 });
    w.provider.clearFaults();
    expect(idTagInfo.status).toBe('Invalid');
    expect(await w.t.gw.store.transactions.get(transactionId)).toMatchObject({
      authorizedOffline: false,
      authorization: { status: 'Invalid', source: 'webhook', reason: 'provider_http_403' },
    });
  });

  it('keeps a tag the provider accepted minutes ago accepted during an outage', async () => {
    const c = await charger('CACHE-1', false);
    expect((await c.authorize('KNOWN')).idTagInfo.status).toBe('Accepted');
    w.provider.injectFault({ path: 'start', fault: { mode: 'status', status: 503 }, times: 1 });
    const during = await c.startTransaction({ connectorId: 1, idTag: 'KNOWN', meterStart: 0 });
    w.provider.clearFaults();
    expect(during.idTagInfo.status).toBe('Accepted');
    expect((await w.t.gw.store.transactions.get(during.transactionId))?.authorization).toMatchObject({ source: 'cache' });
  });

  it('opens the breaker after repeated failures, answers at once while open, then probes and closes', async () => {
    const c = await charger('BRK-1', true);
    w.provider.injectFault({ path: 'start', fault: { mode: 'status', status: 500 } });
    const before = w.provider.counts().start;
    for (let i = 0; i < 3; i++) expect((await c.authorize(`B${i}`)).idTagInfo.status).toBe('Accepted');
    expect(w.provider.counts().start - before).toBe(3);
    // Open: no further calls reach the provider.
    for (let i = 3; i < 8; i++) expect((await c.authorize(`B${i}`)).idTagInfo.status).toBe('Accepted');
    expect(w.provider.counts().start - before).toBe(3);
    expect(w.t.gw.authorization.breaker.state(await installationOf('BRK-1'))).toBe('open');
    w.provider.clearFaults();
    await sleep(450);
    expect((await c.authorize('KNOWN')).idTagInfo.status).toBe('Accepted');
    expect(w.provider.counts().start - before).toBe(4);
    expect(w.t.gw.authorization.breaker.state(await installationOf('BRK-1'))).toBe('closed');
    expect((await c.authorize('STRANGER')).idTagInfo.status).toBe('Invalid');
  });

  async function installationOf(chargerId: string) {
    return (await w.t.gw.store.chargers.get(chargerId))!.installationId;
  }
});
