import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicPayload, startProviderSetup, type ProviderSetup } from '../helpers/provider.js';

describe.each(['sqlite', 'postgres'] as const)('session end on %s', (engine) => {
  let w: ProviderSetup;
  beforeAll(async () => {
    w = await startProviderSetup(engine, {}, { rules: { defaultAllowed: true } });
  });
  afterAll(() => w?.stop());

  async function session(chargerId: string) {
    await w.installation([chargerId], {
      mode: 'webhook',
      authPayload: basicPayload,
      sessionStartUrl: w.provider.startUrl,
      sessionEndUrl: w.provider.endUrl,
    });
    const c = w.t.charger(chargerId);
    await c.connect();
    const { transactionId } = await c.startTransaction({ connectorId: 1, idTag: 'END-CARD', meterStart: 1000 });
    return { c, transactionId };
  }

  it('posts the finished session to the provider without making the charger wait', async () => {
    const { c, transactionId } = await session('SE-1');
    const stop = await c.stopTransaction({ transactionId, meterStop: 4500, idTag: 'END-CARD', reason: 'EVDisconnected' });
    expect(stop.idTagInfo?.status).toBe('Accepted');
    await expect.poll(() => w.provider.received.ends.filter((e) => e.body.transactionId === transactionId).length).toBe(1);
    const body = w.provider.received.ends.find((e) => e.body.transactionId === transactionId)!.body;
    const tx = await w.t.gw.store.transactions.get(transactionId);
    expect(body).toMatchObject({
      type: 'session.end',
      version: 1,
      chargerId: 'SE-1',
      connectorId: 1,
      sessionId: tx!.providerSessionId,
      idTag: 'END-CARD',
      stopIdTag: 'END-CARD',
      meterStart: 1000,
      meterStop: 4500,
      energyWh: 3500,
      stopReason: 'EVDisconnected',
      authorizedOffline: false,
    });
    expect(body.sessionId).toMatch(/^ps-/);
    const api = await w.t.api('GET', `/api/transactions/${transactionId}`);
    await expect.poll(async () => (await w.t.api('GET', `/api/transactions/${transactionId}`)).body.sessionEnd?.status).toBe('delivered');
    expect(api.status).toBe(200);
  });

  it('delivers many session ends at once, each once, while the provider answers slowly', async () => {
    const ids = Array.from({ length: 8 }, (_, k) => `SE-MANY-${k}`);
    await w.installation(ids, { mode: 'webhook', authPayload: basicPayload, sessionStartUrl: w.provider.startUrl, sessionEndUrl: w.provider.endUrl });
    const chargers = ids.map((id) => w.t.charger(id));
    await Promise.all(chargers.map((c) => c.connect()));
    const started = await Promise.all(chargers.map((c) => c.startTransaction({ connectorId: 1, idTag: 'END-CARD', meterStart: 0 })));
    w.provider.injectFault({ path: 'end', fault: { mode: 'latency', ms: 150 } });
    try {
      await Promise.all(chargers.map((c, k) => c.stopTransaction({ transactionId: started[k].transactionId, meterStop: 100 + k })));
      const mine = new Set(started.map((s) => s.transactionId));
      const delivered = () => w.provider.received.ends.filter((e) => mine.has(e.body.transactionId as number));
      await expect.poll(() => delivered().length, { timeout: 5000 }).toBe(ids.length);
      expect(new Set(delivered().map((e) => e.body.id)).size).toBe(ids.length);
    } finally {
      w.provider.clearFaults();
    }
  });

  it('retries after a 500 with the same id, and sends one call however often the stop is re-sent', async () => {
    const { c, transactionId } = await session('SE-2');
    w.provider.injectFault({ path: 'end', fault: { mode: 'status', status: 500 }, times: 2 });
    const stop = { transactionId, meterStop: 2000 };
    await c.stopTransaction(stop);
    await c.stopTransaction(stop);
    // The provider records the call before its reply reaches the gateway, so wait for the
    // gateway to have written the outcome, then check that exactly one call got through.
    await expect
      .poll(() => w.t.gw.store.outbox.state(`session-end:${transactionId}`), { timeout: 5000 })
      .toMatchObject({ status: 'delivered', attempts: 3 });
    const delivered = w.provider.received.ends.filter((e) => e.body.transactionId === transactionId);
    expect(delivered).toHaveLength(1);
    // Every attempt, the two faulted ones included, carried the same id, so the provider can de-duplicate.
    const faulted = w.provider.received.faulted.filter((f) => f.path === 'end' && f.body.transactionId === transactionId);
    expect(faulted).toHaveLength(2);
    expect(new Set([...faulted, ...delivered].map((a) => a.body.id))).toEqual(new Set([delivered[0].body.id]));
    expect(delivered[0].body.id).toEqual(expect.any(String));
  });

  it('answers StopTransaction at once while the provider hangs, and delivers once the hang is lifted', async () => {
    const { c, transactionId } = await session('SE-3'); // default timeoutMs: 3000
    w.provider.injectFault({ path: 'end', fault: { mode: 'hang' } });
    const sent = performance.now();
    await c.stopTransaction({ transactionId, meterStop: 1500, idTag: 'END-CARD' });
    // Generous: the webhook deadline is 3 s, and a stop that waited for the call would take that long.
    expect(performance.now() - sent).toBeLessThan(1000);
    const eventId = `session-end:${transactionId}`;
    await expect.poll(() => w.provider.received.faulted.some((f) => f.path === 'end' && f.body.transactionId === transactionId)).toBe(true);
    expect((await w.t.gw.store.outbox.state(eventId))?.status).not.toBe('delivered');
    w.provider.clearFaults();
    await expect.poll(() => w.t.gw.store.outbox.state(eventId), { timeout: 10_000 }).toMatchObject({ status: 'delivered' });
    expect(w.provider.received.ends.filter((e) => e.body.transactionId === transactionId)).toHaveLength(1);
  });
});
