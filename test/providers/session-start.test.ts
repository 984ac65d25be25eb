import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicPayload, startProviderSetup, type ProviderSetup } from '../helpers/provider.js';
import type { SimCharger } from '../../simulators/charger/charger.js';

describe.each(['sqlite', 'postgres'] as const)('session start decisions on %s', (engine) => {
  let w: ProviderSetup;
  let c: SimCharger;
  beforeAll(async () => {
    w = await startProviderSetup(engine, {}, {
      rules: {
        allow: ['GOOD-1', 'GOOD-2', 'GOOD-3'],
        deny: [
          { idTag: 'BLOCK-1', status: 'Blocked' },
          { idTag: 'EXP-1', status: 'Expired' },
          { idTag: 'CTX-1', status: 'ConcurrentTx' },
          { idTag: 'INV-1', status: 'Invalid' },
        ],
        expiryDate: '2099-06-01T00:00:00.000Z',
      },
    });
    await w.installation(['SS-1'], { mode: 'webhook', authPayload: basicPayload, sessionStartUrl: w.provider.startUrl });
    c = w.t.charger('SS-1');
    await c.connect();
  });
  afterAll(() => w?.stop());

  it('accepts what the provider allows, with its expiry, and keeps its session id with the transaction', async () => {
    expect((await c.authorize('GOOD-1')).idTagInfo).toEqual({ status: 'Accepted', expiryDate: '2099-06-01T00:00:00.000Z' });
    const start = await c.startTransaction({ connectorId: 1, idTag: 'GOOD-2', meterStart: 0 });
    expect(start.idTagInfo.status).toBe('Accepted');
    const body = w.provider.received.starts.at(-1)!.body;
    expect(body).toMatchObject({ type: 'session.start', version: 1, trigger: 'StartTransaction', chargerId: 'SS-1', connectorId: 1, idTag: 'GOOD-2', meterStart: 0, offline: false });
    expect(body.id).toMatch(/^[0-9a-f-]{36}$/);
    const tx = await w.t.gw.store.transactions.get(start.transactionId);
    expect(tx?.providerSessionId).toMatch(/^ps-/);
    expect(tx?.authorization.source).toBe('webhook');
  });

  it.each([
    ['BLOCK-1', 'Blocked'],
    ['EXP-1', 'Expired'],
    ['CTX-1', 'ConcurrentTx'],
    ['INV-1', 'Invalid'],
    ['NOBODY', 'Invalid'],
  ])('refuses %s with %s as the provider says', async (tag, status) => {
    expect((await c.authorize(tag)).idTagInfo.status).toBe(status);
  });

  it('answers a repeated request for the same tag from its cache, and shares one call between identical requests in flight', async () => {
    const before = w.provider.counts().start;
    await c.authorize('GOOD-3');
    await c.authorize('good-3');
    expect(w.provider.counts().start - before).toBe(1);
    w.provider.injectFault({ path: 'start', fault: { mode: 'latency', ms: 150 } });
    const [a, b] = await Promise.all([c.call('Authorize', { idTag: 'NOBODY-2' }), c.call('Authorize', { idTag: 'NOBODY-2' })]);
    w.provider.clearFaults();
    expect([a.idTagInfo.status, b.idTagInfo.status]).toEqual(['Invalid', 'Invalid']);
    expect(w.provider.counts().start - before).toBe(2);
  });

  it('asks the provider for a StartTransaction that arrives late, saying so', async () => {
    const late = new Date(Date.now() - 2 * 3600_000).toISOString();
    const { transactionId } = await c.startTransaction({ connectorId: 2, idTag: 'GOOD-1', meterStart: 10, timestamp: late });
    const body = w.provider.received.starts.at(-1)!.body;
    expect(body).toMatchObject({ trigger: 'StartTransaction', idTag: 'GOOD-1', offline: true });
    expect(await w.t.gw.store.transactions.get(transactionId)).toMatchObject({ late: true });
  });

  it('uses native authorization in webhook mode without a session start URL', async () => {
    const id = await w.installation(['SS-2'], { mode: 'webhook', sessionEndUrl: w.provider.endUrl });
    await w.t.api('POST', `/api/installations/${id}/id-tags`, { idTag: 'LOCAL-1' });
    const n = w.t.charger('SS-2');
    await n.connect();
    const before = w.provider.counts().start;
    expect((await n.authorize('LOCAL-1')).idTagInfo.status).toBe('Accepted');
    expect((await n.authorize('GOOD-1')).idTagInfo.status).toBe('Invalid');
    expect(w.provider.counts().start).toBe(before);
  });

  it('gives a second transaction of the same tag its own provider session', async () => {
    const a = await c.startTransaction({ connectorId: 3, idTag: 'GOOD-3', meterStart: 0 });
    await c.stopTransaction({ transactionId: a.transactionId, meterStop: 5 });
    const b = await c.startTransaction({ connectorId: 3, idTag: 'GOOD-3', meterStart: 5 });
    const [ta, tb] = await Promise.all([w.t.gw.store.transactions.get(a.transactionId), w.t.gw.store.transactions.get(b.transactionId)]);
    expect(ta?.providerSessionId).toBeTruthy();
    expect(tb?.providerSessionId).toBeTruthy();
    expect(ta?.providerSessionId).not.toBe(tb?.providerSessionId);
  });
});
