import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { engines } from '../../helpers/databases.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { basicPayload, startProviderSetup, type ProviderSetup } from '../../helpers/provider.js';
import type { SimCharger } from '../../../simulators/charger/charger.js';

/** A register reading as a 2.0.1 charger sends it (kWh where asked, to check the unit is read). */
function meter(wh: number, kWh = false, at = new Date()) {
  const unitOfMeasure = kWh ? { unit: 'kWh' } : undefined;
  const value = kWh ? wh / 1000 : wh;
  return [{ timestamp: at.toISOString(), sampledValue: [{ value, measurand: 'Energy.Active.Import.Register', ...(unitOfMeasure && { unitOfMeasure }) }] }];
}

interface EventOptions {
  seqNo: number;
  triggerReason?: string;
  idToken?: string;
  wh?: number;
  kWh?: boolean;
  offline?: boolean;
  at?: Date;
  stoppedReason?: string;
}

function txEvent(c: SimCharger, eventType: 'Started' | 'Updated' | 'Ended', transactionId: string, o: EventOptions) {
  const at = o.at ?? new Date();
  const defaults = { Started: 'Authorized', Updated: 'MeterValuePeriodic', Ended: 'EVDeparted' } as const;
  return c.call('TransactionEvent', {
    eventType,
    timestamp: at.toISOString(),
    triggerReason: o.triggerReason ?? defaults[eventType],
    seqNo: o.seqNo,
    transactionInfo: { transactionId, ...(o.stoppedReason && { stoppedReason: o.stoppedReason }) },
    ...(eventType === 'Started' && { evse: { id: 1, connectorId: 1 } }),
    ...(o.idToken && { idToken: { idToken: o.idToken, type: 'ISO14443' } }),
    ...(o.wh !== undefined && { meterValue: meter(o.wh, o.kWh, at) }),
    ...(o.offline && { offline: true }),
  });
}

async function connected(t: TestGateway, id: string, protocol = 'ocpp2.0.1') {
  const c = t.charger(id, { protocol });
  await c.connect();
  return c;
}

const byCharger = async (t: TestGateway, chargerId: string, chargerTxId: string) =>
  (await t.gw.store.transactionEvents.find(chargerId, chargerTxId))?.transaction;

describe.each(engines)('2.0.1 transactions on %s', (engine) => {
  let t: TestGateway;
  let installationId: string;
  beforeAll(async () => {
    t = await startTestGateway(engine);
    installationId = await t.installation(['TX-1', 'TX-2', 'TX-3', 'TX-16'], [
      { idTag: 'GoodTag', expiryDate: '2099-01-01T00:00:00.000Z', parentIdTag: 'FLEET-1' },
      { idTag: 'OtherTag' },
      { idTag: 'SharedTag' },
      { idTag: 'BLOCKED1', status: 'Blocked' },
    ]);
  });
  afterAll(() => t?.stop());

  it('runs a whole session: Started with a token, meter values, Ended with the energy', async () => {
    const c = await connected(t, 'TX-1');
    const txId = randomUUID();
    const started = await txEvent(c, 'Started', txId, { seqNo: 0, idToken: 'goodtag', wh: 1000 });
    expect(started).toEqual({
      idTokenInfo: { status: 'Accepted', cacheExpiryDateTime: '2099-01-01T00:00:00.000Z', groupIdToken: { idToken: 'FLEET-1', type: 'Central' } },
    });
    expect(await txEvent(c, 'Updated', txId, { seqNo: 1, wh: 1800 })).toEqual({});
    expect(await txEvent(c, 'Ended', txId, { seqNo: 2, wh: 2500, kWh: true, stoppedReason: 'EVDisconnected' })).toEqual({});

    const tx = (await byCharger(t, 'TX-1', txId))!;
    expect(tx).toMatchObject({
      ocppVersion: '2.0.1', chargerTransactionId: txId, connectorId: 1, evseId: 1, evseConnectorId: 1, idTag: 'goodtag', idTokenType: 'ISO14443',
      meterStart: 1000, energyWh: 1500, active: false, late: false, lastSeqNo: 2, authorization: { status: 'Accepted', source: 'native' },
      stop: { meterStop: 2500, reason: 'EVDisconnected' },
    });
    const detail = await t.api('GET', `/api/transactions/${tx.id}`);
    expect(detail.body).toMatchObject({ ocppVersion: '2.0.1', chargerTransactionId: txId, energyWh: 1500 });
    expect(detail.body.meterValues.map((v: any) => v.source)).toEqual(['TransactionEvent', 'TransactionEvent', 'TransactionEvent']);
  });

  it('answers a repeated event as before and applies it once', async () => {
    const c = await connected(t, 'TX-1');
    const txId = randomUUID();
    const first = await txEvent(c, 'Started', txId, { seqNo: 0, idToken: 'GoodTag', wh: 100 });
    expect(await txEvent(c, 'Started', txId, { seqNo: 0, idToken: 'GoodTag', wh: 100 })).toEqual(first);
    await txEvent(c, 'Updated', txId, { seqNo: 1, wh: 300 });
    await txEvent(c, 'Updated', txId, { seqNo: 1, wh: 300 });
    await txEvent(c, 'Ended', txId, { seqNo: 2, wh: 600 });
    // A repeat of the Ended with another reading must not move the stored stop.
    expect(await txEvent(c, 'Ended', txId, { seqNo: 2, wh: 900 })).toEqual({});
    const tx = (await byCharger(t, 'TX-1', txId))!;
    expect(tx).toMatchObject({ meterStart: 100, energyWh: 500, stop: { meterStop: 600 } });
    expect(await t.gw.store.meterValues.forTransaction(tx.id)).toHaveLength(3);
    expect((await t.gw.store.anomalies.list('TX-1')).filter((a) => a.transactionId === tx.id)).toEqual([]);
  });

  it('creates the transaction from the first event it hears of when the Started was lost', async () => {
    const c = await connected(t, 'TX-2');
    const txId = randomUUID();
    expect(await txEvent(c, 'Updated', txId, { seqNo: 3, idToken: 'OtherTag', wh: 5000 })).toEqual({ idTokenInfo: { status: 'Accepted' } });
    await txEvent(c, 'Ended', txId, { seqNo: 4, wh: 5600 });
    expect(await byCharger(t, 'TX-2', txId)).toMatchObject({ idTag: 'OtherTag', meterStart: 5000, energyWh: 600, lastSeqNo: 4 });
  });

  it('marks events the charger queued offline as late', async () => {
    const c = await connected(t, 'TX-2');
    const txId = randomUUID();
    const at = new Date(Date.now() - 10 * 60_000);
    await txEvent(c, 'Started', txId, { seqNo: 0, idToken: 'OtherTag', wh: 10, offline: true, at });
    await txEvent(c, 'Ended', txId, { seqNo: 1, wh: 20, offline: true, at: new Date(at.getTime() + 60_000) });
    expect(await byCharger(t, 'TX-2', txId)).toMatchObject({ late: true, startTime: at.toISOString(), energyWh: 10 });
  });

  it('answers an Ended for a transaction it never heard of and records it', async () => {
    const c = await connected(t, 'TX-2');
    const txId = randomUUID();
    expect(await txEvent(c, 'Ended', txId, { seqNo: 7, wh: 100 })).toEqual({});
    expect(await byCharger(t, 'TX-2', txId)).toBeUndefined();
    const anomalies = await t.gw.store.anomalies.list('TX-2');
    expect(anomalies.find((a) => a.payload.transactionInfo?.transactionId === txId)).toMatchObject({ kind: 'unknown_transaction' });
  });

  it('authorizes an id token that arrives in an Updated after a Started without one', async () => {
    const c = await connected(t, 'TX-3');
    const txId = randomUUID();
    expect(await txEvent(c, 'Started', txId, { seqNo: 0, triggerReason: 'CablePluggedIn', wh: 40 })).toEqual({});
    expect(await byCharger(t, 'TX-3', txId)).toMatchObject({ idTag: '', authorization: { status: 'Pending' } });
    const updated = await txEvent(c, 'Updated', txId, { seqNo: 1, triggerReason: 'Authorized', idToken: 'OtherTag' });
    expect(updated).toEqual({ idTokenInfo: { status: 'Accepted' } });
    expect(await byCharger(t, 'TX-3', txId)).toMatchObject({ idTag: 'OtherTag', active: true, authorization: { status: 'Accepted', source: 'native' } });
    // A card presented to stop is authorized, and kept as the stop's card.
    const ended = await txEvent(c, 'Ended', txId, { seqNo: 2, triggerReason: 'StopAuthorized', idToken: 'BLOCKED1', wh: 90 });
    expect(ended).toEqual({ idTokenInfo: { status: 'Blocked' } });
    expect(await byCharger(t, 'TX-3', txId)).toMatchObject({ idTag: 'OtherTag', energyWh: 50, stop: { idTag: 'BLOCKED1', reason: 'Local' } });
  });

  it('answers Invalid for an unknown token at Started and still records the transaction', async () => {
    const c = await connected(t, 'TX-3');
    const txId = randomUUID();
    expect(await txEvent(c, 'Started', txId, { seqNo: 0, idToken: 'NOBODY' })).toEqual({ idTokenInfo: { status: 'Invalid' } });
    expect(await byCharger(t, 'TX-3', txId)).toMatchObject({ idTag: 'NOBODY', active: false, authorization: { status: 'Invalid' } });
  });

  it('refuses a tag charging on a 1.6 charger with ConcurrentTx on a 2.0.1 one, and the other way round', async () => {
    const v16 = await connected(t, 'TX-16', 'ocpp1.6');
    const v201 = await connected(t, 'TX-1');
    const start16 = await v16.startTransaction({ connectorId: 1, idTag: 'SharedTag', meterStart: 0 });
    expect(start16.idTagInfo.status).toBe('Accepted');
    const concurrent = await txEvent(v201, 'Started', randomUUID(), { seqNo: 0, idToken: 'SharedTag' });
    expect(concurrent).toEqual({ idTokenInfo: { status: 'ConcurrentTx' } });
    await v16.stopTransaction({ transactionId: start16.transactionId, meterStop: 10 });

    const txId = randomUUID();
    expect(await txEvent(v201, 'Started', txId, { seqNo: 0, idToken: 'SharedTag' })).toEqual({ idTokenInfo: { status: 'Accepted' } });
    expect((await v16.startTransaction({ connectorId: 1, idTag: 'SharedTag', meterStart: 10 })).idTagInfo.status).toBe('ConcurrentTx');
    await txEvent(v201, 'Ended', txId, { seqNo: 1 });
  });

  it('lists 1.6 and 2.0.1 transactions together with their version and the charger\'s own id', async () => {
    const list = await t.api('GET', `/api/transactions?installationId=${installationId}&limit=500`);
    expect(list.status).toBe(200);
    const items = list.body.items as any[];
    const v16 = items.find((x) => x.chargerId === 'TX-16');
    expect(v16).toMatchObject({ ocppVersion: '1.6', chargerTransactionId: String(v16.id), evseId: null });
    const v201 = items.filter((x) => x.ocppVersion === '2.0.1');
    expect(v201.length).toBeGreaterThan(3);
    for (const x of v201) expect(x.chargerTransactionId).toMatch(/^[0-9a-f-]{36}$/);
    const filtered = await t.api('GET', `/api/transactions?chargerId=TX-16`);
    expect(filtered.body.items.every((x: any) => x.ocppVersion === '1.6')).toBe(true);
  });
});

describe.each(engines)('2.0.1 transactions in webhook mode on %s', (engine) => {
  let w: ProviderSetup;
  beforeAll(async () => {
    w = await startProviderSetup(engine, {}, { rules: { defaultAllowed: true } });
  });
  afterAll(() => w?.stop());

  it('asks the provider at Started and posts session.end once after Ended', async () => {
    await w.installation(['WTX-1'], { mode: 'webhook', authPayload: basicPayload, sessionStartUrl: w.provider.startUrl, sessionEndUrl: w.provider.endUrl });
    const c = await connected(w.t, 'WTX-1');
    const txId = randomUUID();
    const started = await txEvent(c, 'Started', txId, { seqNo: 0, idToken: 'END-CARD', wh: 1000, offline: true });
    expect(started.idTokenInfo.status).toBe('Accepted');
    // The charger missed the answer and sends the Started again: the provider is not asked twice.
    expect(await txEvent(c, 'Started', txId, { seqNo: 0, idToken: 'END-CARD', wh: 1000, offline: true })).toEqual(started);
    const starts = w.provider.received.starts.filter((s) => s.body.idTag === 'END-CARD' && s.body.chargerId === 'WTX-1');
    expect(starts).toHaveLength(1);
    expect(starts[0].body).toMatchObject({ trigger: 'TransactionEvent', connectorId: 1, meterStart: 1000, offline: true });
    await txEvent(c, 'Updated', txId, { seqNo: 1, wh: 2000 });
    await txEvent(c, 'Ended', txId, { seqNo: 2, wh: 3200, stoppedReason: 'Remote' });
    await txEvent(c, 'Ended', txId, { seqNo: 2, wh: 3200, stoppedReason: 'Remote' });
    const tx = (await w.t.gw.store.transactionEvents.find('WTX-1', txId))!.transaction;
    await expect.poll(() => w.t.gw.store.outbox.state(`session-end:${tx.id}`)).toMatchObject({ status: 'delivered' });
    const ends = w.provider.received.ends.filter((e) => e.body.transactionId === tx.id);
    expect(ends).toHaveLength(1);
    expect(ends[0].body).toMatchObject({
      type: 'session.end', ocppVersion: '2.0.1', chargerTransactionId: txId, chargerId: 'WTX-1', connectorId: 1,
      sessionId: tx.providerSessionId, idTag: 'END-CARD', meterStart: 1000, meterStop: 3200, energyWh: 2200, stopReason: 'Remote',
    });
  });
});
