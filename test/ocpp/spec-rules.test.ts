import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../helpers/databases.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { CallError } from '../../simulators/charger/charger.js';

describe.each(engines)('OCPP 1.6 rules a charger depends on, on %s', (engine) => {
  let t: TestGateway;
  let installationId: string;
  beforeAll(async () => {
    t = await startTestGateway(engine, { dataTransferVendorIds: ['com.example'] });
    installationId = await t.installation(
      ['R-1', 'R-2', 'R-3', 'R-4', 'R-5', 'R-6'],
      [{ idTag: 'OK1', expiryDate: '2099-06-01T00:00:00.000Z', parentIdTag: 'FLEET-9' }, { idTag: 'OK2' }, { idTag: 'OK3' }, { idTag: 'OK4' }, { idTag: 'OK5' }],
    );
  });
  afterAll(() => t?.stop());

  it('answers a refused StartTransaction with a transactionId and stores it as refused', async () => {
    const c = t.charger('R-1');
    await c.connect();
    const conf = await c.startTransaction({ connectorId: 1, idTag: 'STRANGER', meterStart: 0 });
    expect(conf.idTagInfo.status).toBe('Invalid');
    expect(Number.isInteger(conf.transactionId)).toBe(true);
    const tx = await t.gw.store.transactions.get(conf.transactionId);
    expect(tx).toMatchObject({ active: false, authorization: { status: 'Invalid', reason: 'unknown_id_tag' } });
    // The charger ends a refused transaction with a StopTransaction; it is answered and stored.
    await c.stopTransaction({ transactionId: conf.transactionId, meterStop: 0, reason: 'DeAuthorized' });
    expect((await t.gw.store.transactions.get(conf.transactionId))?.stop?.reason).toBe('DeAuthorized');
  });

  it('gives a re-sent StartTransaction the same transactionId', async () => {
    const c = t.charger('R-2');
    await c.connect();
    const req = { connectorId: 1, idTag: 'OK1', meterStart: 500, timestamp: '2026-03-01T10:00:00Z' };
    const first = await c.startTransaction(req);
    expect(first.idTagInfo).toEqual({ status: 'Accepted', expiryDate: '2099-06-01T00:00:00.000Z', parentIdTag: 'FLEET-9' });
    // The tag changes before the re-send: the charger still gets the answer it lost, not a new decision.
    await t.gw.store.idTags.upsert(installationId, { idTag: 'OK1', status: 'Blocked' });
    const again = await c.startTransaction({ ...req, timestamp: '2026-03-01T10:00:00.000Z' });
    expect(again.transactionId).toBe(first.transactionId);
    expect(again.idTagInfo).toEqual(first.idTagInfo);
    const all = await t.gw.store.transactions.list({ chargerId: 'R-2', limit: 10, offset: 0 });
    expect(all).toHaveLength(1);
  });

  it('answers StopTransaction for unknown and already stopped transactions, records them, never closes twice', async () => {
    const c = t.charger('R-3');
    await c.connect();
    expect(await c.stopTransaction({ transactionId: 987654, meterStop: 10 })).toEqual({});
    const { transactionId } = await c.startTransaction({ connectorId: 1, idTag: 'OK2', meterStart: 100 });
    await c.stopTransaction({ transactionId, meterStop: 300, reason: 'Local' });
    await c.stopTransaction({ transactionId, meterStop: 999, reason: 'Other' });
    const tx = await t.gw.store.transactions.get(transactionId);
    expect(tx?.stop).toMatchObject({ meterStop: 300, reason: 'Local' });
    expect(tx?.energyWh).toBe(200);
    const kinds = (await t.gw.store.anomalies.list('R-3')).map((a) => a.kind);
    expect(kinds).toEqual(['unknown_transaction', 'already_stopped']);
  });

  it('stores a transaction reported late by a charger that was offline, authorized like any other', async () => {
    const c = t.charger('R-4');
    await c.connect();
    const hourAgo = new Date(Date.now() - 3600_000).toISOString();
    const conf = await c.startTransaction({ connectorId: 2, idTag: 'OK3', meterStart: 0, timestamp: hourAgo });
    expect(conf.idTagInfo.status).toBe('Accepted');
    expect(await t.gw.store.transactions.get(conf.transactionId)).toMatchObject({ late: true, startTime: hourAgo });
  });

  it('flags meterStop below meterStart instead of refusing it', async () => {
    const c = t.charger('R-5');
    await c.connect();
    const { transactionId } = await c.startTransaction({ connectorId: 1, idTag: 'OK4', meterStart: 5000 });
    expect(await c.stopTransaction({ transactionId, meterStop: 4000 })).toEqual({});
    expect(await t.gw.store.transactions.get(transactionId)).toMatchObject({ meterAnomaly: true, energyWh: null });
    expect((await t.gw.store.anomalies.list('R-5')).map((a) => a.kind)).toContain('meter_stop_below_start');
  });

  it('answers ConcurrentTx for a tag already charging elsewhere', async () => {
    const a = t.charger('R-6');
    await a.connect();
    const first = await a.startTransaction({ connectorId: 1, idTag: 'OK5', meterStart: 0 });
    expect(first.idTagInfo.status).toBe('Accepted');
    const second = await a.startTransaction({ connectorId: 2, idTag: 'ok5', meterStart: 0 });
    expect(second.idTagInfo.status).toBe('ConcurrentTx');
    await a.stopTransaction({ transactionId: first.transactionId, meterStop: 10 });
    const third = await a.startTransaction({ connectorId: 2, idTag: 'OK5', meterStart: 10 });
    expect(third.idTagInfo.status).toBe('Accepted');
  });

  it('percent-decodes the charger id in the URL', async () => {
    const id = 'CP#1:a%?';
    expect((await t.api('POST', `/api/installations/${installationId}/chargers`, { id })).status).toBe(201);
    // The simulator percent-encodes the id into the URL path, as a charger must.
    const c = t.charger(id);
    await c.connect();
    expect((await c.boot()).status).toBe('Accepted');
    const stored = await t.api('GET', `/api/chargers/${encodeURIComponent(id)}`);
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({ id, online: true, boot: { vendor: 'Sim', model: 'SimCharger-1' } });
  });

  it('keeps one live connection per charger: a new one replaces the old', async () => {
    const old = t.charger('R-1');
    await old.connect();
    const closed = new Promise((resolve) => old.once('close', resolve));
    const fresh = t.charger('R-1');
    await fresh.connect();
    await closed;
    expect(old.isOpen).toBe(false);
    expect((await fresh.heartbeat()).currentTime).toBeTruthy();
    expect((await t.gw.store.chargers.get('R-1'))?.online).toBe(true);
  });

  it('refuses an unknown charger at the handshake with 404', async () => {
    await expect(t.charger('NOT-REGISTERED').connect()).rejects.toMatchObject({ statusCode: 404 });
  });

  it('answers DataTransfer, firmware and diagnostics notifications', async () => {
    const c = t.charger('R-2');
    await c.connect();
    expect(await c.call('DataTransfer', { vendorId: 'org.other' })).toEqual({ status: 'UnknownVendorId' });
    expect(await c.call('DataTransfer', { vendorId: 'com.example', data: 'x' })).toEqual({ status: 'Accepted' });
    await c.call('FirmwareStatusNotification', { status: 'Downloading' });
    await c.call('DiagnosticsStatusNotification', { status: 'Uploaded' });
    const stored = await t.gw.store.chargers.get('R-2');
    expect(stored?.firmwareStatus?.status).toBe('Downloading');
    expect(stored?.diagnosticsStatus?.status).toBe('Uploaded');
  });

  it('answers an action it does not implement with NotImplemented', async () => {
    const c = t.charger('R-2');
    await c.connect();
    // A central-system-to-charger action sent the other way: valid, and not ours to answer.
    const err = await c.call('ClearCache', {}).catch((e) => e);
    expect(err).toBeInstanceOf(CallError);
    expect(err.code).toBe('NotImplemented');
  });
});

describe('rejectConcurrentTx off', () => {
  it('accepts a tag already charging on another connector', async () => {
    const t = await startTestGateway('sqlite', { rejectConcurrentTx: false });
    try {
      await t.installation(['CT-1'], [{ idTag: 'SHARED' }]);
      const c = t.charger('CT-1');
      await c.connect();
      const first = await c.startTransaction({ connectorId: 1, idTag: 'SHARED', meterStart: 0 });
      const second = await c.startTransaction({ connectorId: 2, idTag: 'shared', meterStart: 0 });
      expect([first.idTagInfo.status, second.idTagInfo.status]).toEqual(['Accepted', 'Accepted']);
      expect(second.transactionId).not.toBe(first.transactionId);
      const active = await t.gw.store.transactions.list({ chargerId: 'CT-1', active: true, limit: 10, offset: 0 });
      expect(active.map((x) => x.connectorId).sort()).toEqual([1, 2]);
    } finally {
      await t.stop();
    }
  });
});

describe('acceptUnknownChargers', () => {
  it('registers an unknown charger into the default installation and logs a warning', async () => {
    const t = await startTestGateway('sqlite', { acceptUnknownChargers: true, defaultInstallationName: 'Lobby' });
    try {
      const c = t.charger('NEWCOMER-1');
      await c.connect();
      expect((await c.boot()).status).toBe('Accepted');
      const charger = await t.gw.store.chargers.get('NEWCOMER-1');
      const inst = await t.gw.store.installations.get(charger!.installationId);
      expect(inst?.name).toBe('Lobby');
      expect(t.logs.some((l) => l.level === 40 && l.chargerId === 'NEWCOMER-1' && /unknown charger registered/.test(l.msg))).toBe(true);
    } finally {
      await t.stop();
    }
  });
});
