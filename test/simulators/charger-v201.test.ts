// The charger simulator speaking OCPP 2.0.1 and 2.1, against a tiny in-test central system
// that checks every frame the simulator sends against the official OCA schema of the version.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SimCharger } from '../../simulators/charger/charger.js';
import { runFleet } from '../../simulators/charger/fleet.js';
import { parseVersionMix, versionForIndex } from '../../simulators/charger/versions.js';
import { startTransaction } from '../../simulators/charger/v201/session.js';
import { startTinyCsms, type SentCall, type TinyCsms } from './tiny-csms.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let csms: TinyCsms;
beforeAll(async () => {
  csms = await startTinyCsms();
});
afterAll(() => csms.close());
// Every test's frames, both ways, must have passed the schema.
afterEach(() => {
  expect(csms.violations).toEqual([]);
});

async function station(id: string, protocol = 'ocpp2.0.1', connectors = 1): Promise<SimCharger> {
  const charger = new SimCharger({ url: csms.url, id, protocol, connectors });
  await charger.connect();
  return charger;
}

const sent = (id: string, action?: string): SentCall[] => csms.stations.get(id)!.calls.filter((c) => !action || c.action === action);
/** A TransactionEvent as `eventType/seqNo/triggerReason`, to read a sequence at a glance. */
const brief = (c: SentCall) => `${c.payload.eventType}/${c.payload.seqNo}/${c.payload.triggerReason}`;
const meterWh = (c: SentCall) => c.payload.meterValue?.[0].sampledValue[0].value;

describe.each(['ocpp2.0.1', 'ocpp2.1'])('%s: messages the simulator sends pass the schema', (protocol) => {
  it('boots, heartbeats, reports status and authorizes with an idToken of a given type', async () => {
    const id = `SCHEMA-${protocol}`;
    const c = await station(id, protocol, 2);
    expect(c.ocppVersion).toBe(protocol === 'ocpp2.1' ? '2.1' : '2.0.1');
    expect((await c.boot()).status).toBe('Accepted');
    await c.heartbeat();
    await c.status(2, 'Occupied');
    const good = await c.authorize('GOOD');
    expect(good).toMatchObject({ status: 'Accepted', idTokenInfo: { status: 'Accepted' } });
    expect((await c.authorize('BAD', 'eMAID')).status).toBe('Invalid');
    expect(sent(id).map((call) => call.payload)).toEqual([
      { reason: 'PowerUp', chargingStation: { model: 'SimCharger-1', vendorName: 'Sim', serialNumber: id, firmwareVersion: '1.0.0' } },
      {},
      { timestamp: expect.any(String), connectorStatus: 'Occupied', evseId: 2, connectorId: 1 },
      { idToken: { idToken: 'GOOD', type: 'ISO14443' } },
      { idToken: { idToken: 'BAD', type: 'eMAID' } },
    ]);
    await c.close();
  });

  it('runs sessions, answers every remote command and sends what they trigger', async () => {
    const id = `FLOW-${protocol}`;
    const c = await station(id, protocol);
    await c.boot();
    await c.runSession({ idTag: 'GOOD', meterIntervalMs: 1, meterSamples: 2 });
    await c.runSession({ idTag: 'LATE-REFUSAL', meterIntervalMs: 1, meterSamples: 2 });
    await c.runSession({ idTag: 'BAD' });

    const started = csms.nextCall(id, 'TransactionEvent');
    await csms.call(id, 'RequestStartTransaction', { remoteStartId: 7, idToken: { idToken: 'GOOD', type: 'Central' }, evseId: 1 });
    const { transactionId } = (await started).payload.transactionInfo;
    for (const requestedMessage of ['BootNotification', 'Heartbeat', 'StatusNotification', 'MeterValues', 'TransactionEvent', 'FirmwareStatusNotification', 'LogStatusNotification']) {
      const triggered = csms.nextCall(id, requestedMessage);
      expect(await csms.call(id, 'TriggerMessage', { requestedMessage })).toEqual({ status: 'Accepted' });
      await triggered;
    }
    const ended = csms.nextCall(id, 'TransactionEvent');
    await csms.call(id, 'RequestStopTransaction', { transactionId });
    await ended;
    const reported = csms.nextCall(id, 'NotifyReport');
    await csms.call(id, 'GetBaseReport', { requestId: 1, reportBase: 'FullInventory' });
    await reported;
    await csms.call(id, 'Reset', { type: 'OnIdle' });
    await csms.call(id, 'UnlockConnector', { evseId: 1, connectorId: 1 });
    await csms.call(id, 'ChangeAvailability', { operationalStatus: 'Inoperative', evse: { id: 1 } });
    await csms.call(id, 'ClearCache', {});
    await csms.call(id, 'SetVariables', { setVariableData: [{ component: { name: 'AuthCtrlr' }, variable: { name: 'LocalAuthorizeOffline' }, attributeValue: 'false' }] });
    await csms.call(id, 'GetVariables', { getVariableData: [{ component: { name: 'Nope' }, variable: { name: 'Nothing' } }] });

    await c.goOffline();
    await c.runSession({ idTag: 'GOOD', meterIntervalMs: 1, meterSamples: 1 });
    await c.goOnline();
    expect(sent(id, 'TransactionEvent').length).toBeGreaterThan(10);
    await c.close();
  });
});

describe('2.0.1 sessions', () => {
  it('numbers the events of each transaction from seqNo 0, names the EVSE once and the idToken when it authorizes', async () => {
    const c = await station('SESSION-1');
    const result = await c.runSession({ idTag: 'GOOD', meterIntervalMs: 1, meterSamples: 2, whPerSample: 50 });
    expect(result).toEqual({ transactionId: expect.stringMatching(UUID), authorizeStatus: 'Accepted', startStatus: 'Accepted', stopStatus: 'Accepted' });

    expect(sent('SESSION-1').map((call) => call.payload.connectorStatus ?? call.action)).toEqual([
      'Occupied', 'Authorize', 'TransactionEvent', 'TransactionEvent', 'TransactionEvent', 'TransactionEvent', 'TransactionEvent', 'Available',
    ]);
    const events = sent('SESSION-1', 'TransactionEvent');
    expect(events.map(brief)).toEqual([
      'Started/0/Authorized', 'Updated/1/ChargingStateChanged', 'Updated/2/MeterValuePeriodic', 'Updated/3/MeterValuePeriodic', 'Ended/4/StopAuthorized',
    ]);
    expect(new Set(events.map((e) => e.payload.transactionInfo.transactionId))).toEqual(new Set([result.transactionId]));
    expect(events.map((e) => e.payload.idToken?.idToken)).toEqual(['GOOD', undefined, undefined, undefined, 'GOOD']);
    expect(events.map((e) => e.payload.evse)).toEqual([{ id: 1, connectorId: 1 }, undefined, undefined, undefined, undefined]);
    expect(events.map(meterWh)).toEqual([0, undefined, 50, 100, 100]);
    expect(events.map((e) => e.payload.meterValue?.[0].sampledValue[0].context)).toEqual(['Transaction.Begin', undefined, 'Sample.Periodic', 'Sample.Periodic', 'Transaction.End']);
    expect(events.at(-1)!.payload.transactionInfo).toMatchObject({ stoppedReason: 'Local' });
    expect(events.every((e) => e.payload.offline === undefined)).toBe(true);

    const next = await c.runSession({ idTag: 'GOOD', meterIntervalMs: 1, meterSamples: 0 });
    expect(next.transactionId).not.toBe(result.transactionId);
    expect(sent('SESSION-1', 'TransactionEvent').slice(5).map(brief)).toEqual(['Started/0/Authorized', 'Updated/1/ChargingStateChanged', 'Ended/2/StopAuthorized']);
    await c.close();
  });

  it('starts nothing when Authorize is refused, and ends at once when the CSMS refuses the token on Started', async () => {
    const c = await station('SESSION-2');
    expect(await c.runSession({ idTag: 'BAD' })).toEqual({ authorizeStatus: 'Invalid' });
    expect(sent('SESSION-2', 'TransactionEvent')).toEqual([]);

    const refused = await c.runSession({ idTag: 'LATE-REFUSAL', meterIntervalMs: 1 });
    expect(refused).toMatchObject({ authorizeStatus: 'Accepted', startStatus: 'Blocked' });
    const events = sent('SESSION-2', 'TransactionEvent');
    expect(events.map(brief)).toEqual(['Started/0/Authorized', 'Ended/1/Deauthorized']);
    expect(events[1].payload.transactionInfo.stoppedReason).toBe('DeAuthorized');
    await c.close();
  });
});

describe('2.0.1 late events', () => {
  it('queues a whole offline session and delivers it after reconnecting, in seqNo order with offline: true', async () => {
    const c = await station('OFFLINE-1');
    await c.boot();
    await c.goOffline();
    expect(c.offline).toBe(true);
    const result = await c.runSession({ idTag: 'GOOD', meterIntervalMs: 1, meterSamples: 2 });
    expect(result).toEqual({ transactionId: expect.stringMatching(UUID), authorizeStatus: 'offline', startStatus: undefined, stopStatus: undefined });
    expect(sent('OFFLINE-1').map((call) => call.action)).toEqual(['BootNotification']); // nothing while offline

    const reconnectedAt = new Date().toISOString();
    const answers = await c.goOnline();
    expect(answers).toHaveLength(5);
    expect(answers[0]).toEqual({ idTokenInfo: { status: 'Accepted' } });
    const events = sent('OFFLINE-1', 'TransactionEvent');
    expect(events.map(brief)).toEqual([
      'Started/0/Authorized', 'Updated/1/ChargingStateChanged', 'Updated/2/MeterValuePeriodic', 'Updated/3/MeterValuePeriodic', 'Ended/4/StopAuthorized',
    ]);
    expect(events.every((e) => e.payload.offline === true)).toBe(true);
    expect(events.every((e) => e.payload.timestamp <= reconnectedAt)).toBe(true);
    expect(sent('OFFLINE-1').map((call) => call.action)).not.toContain('Authorize');
    await c.close();
  });

  it('marks only the events that happened during an outage in a transaction that spans it', async () => {
    const c = await station('OFFLINE-2');
    const tx = c.openTransaction(1);
    await startTransaction(c, tx, 'Authorized', { idToken: 'GOOD', type: 'ISO14443' });
    await c.goOffline();
    c.meterWh += 500;
    await c.transactionEvent(tx.event('Updated', 'MeterValuePeriodic', { meterWh: c.meterWh }));
    await c.transactionEvent(tx.event('Ended', 'EVCommunicationLost', { meterWh: c.meterWh, stoppedReason: 'EVDisconnected' }));
    await c.goOnline();
    await c.transactionEvent(tx.event('Updated', 'Trigger')).catch(() => {}); // after Ended: sent as is, the CSMS judges

    const events = sent('OFFLINE-2', 'TransactionEvent');
    expect(events.map((e) => [brief(e), e.payload.offline ?? false])).toEqual([
      ['Started/0/Authorized', false],
      ['Updated/1/ChargingStateChanged', false],
      ['Updated/2/MeterValuePeriodic', true],
      ['Ended/3/EVCommunicationLost', true],
      ['Updated/4/Trigger', false],
    ]);
    await c.close();
  });
});

describe('2.0.1 remote commands', () => {
  it('starts a transaction on RequestStartTransaction and ends it on RequestStopTransaction, after answering', async () => {
    const c = await station('REMOTE-1');
    const started = csms.nextCall('REMOTE-1', 'TransactionEvent');
    expect(await csms.call('REMOTE-1', 'RequestStartTransaction', { remoteStartId: 42, idToken: { idToken: 'GOOD', type: 'Central' } })).toEqual({ status: 'Accepted' });
    const start = (await started).payload;
    expect(start).toMatchObject({
      eventType: 'Started', seqNo: 0, triggerReason: 'RemoteStart', idToken: { idToken: 'GOOD', type: 'Central' }, evse: { id: 1, connectorId: 1 },
      transactionInfo: { transactionId: expect.stringMatching(UUID), remoteStartId: 42 },
    });
    const { transactionId } = start.transactionInfo;
    expect(c.transactions.has(transactionId)).toBe(true);
    expect(await csms.call('REMOTE-1', 'RequestStartTransaction', { remoteStartId: 43, idToken: { idToken: 'GOOD', type: 'Central' } })).toEqual({ status: 'Rejected' }); // EVSE busy

    expect(await csms.call('REMOTE-1', 'RequestStopTransaction', { transactionId: 'no-such-transaction' })).toEqual({ status: 'Rejected' });
    const ended = csms.nextCall('REMOTE-1', 'TransactionEvent');
    expect(await csms.call('REMOTE-1', 'RequestStopTransaction', { transactionId })).toEqual({ status: 'Accepted' });
    expect((await ended).payload).toMatchObject({ eventType: 'Ended', triggerReason: 'RemoteStop', transactionInfo: { transactionId, stoppedReason: 'Remote' } });
    expect(c.transactions.size).toBe(0);
    await c.close();
  });

  it('reads back variables set with SetVariables and names what it does not know', async () => {
    const c = await station('VARS-1');
    const offlineTx = { component: { name: 'AuthCtrlr' }, variable: { name: 'OfflineTxForUnknownIdEnabled' } };
    const custom = { component: { name: 'SimCtrlr', instance: 'a' }, variable: { name: 'Colour' } };
    const model = { component: { name: 'ChargingStation' }, variable: { name: 'Model' } };
    expect(await csms.call('VARS-1', 'SetVariables', { setVariableData: [offlineTx, custom, model].map((v) => ({ ...v, attributeValue: 'true' })) })).toEqual({
      setVariableResult: [{ attributeStatus: 'Accepted', ...offlineTx }, { attributeStatus: 'Accepted', ...custom }, { attributeStatus: 'Rejected', ...model }],
    });
    const unknownVariable = { component: { name: 'AuthCtrlr' }, variable: { name: 'Nope' } };
    const unknownComponent = { component: { name: 'Nope' }, variable: { name: 'Enabled' } };
    const connector = { component: { name: 'Connector', evse: { id: 1, connectorId: 1 } }, variable: { name: 'AvailabilityState' } };
    const get = [offlineTx, custom, model, connector, unknownVariable, unknownComponent, { ...offlineTx, attributeType: 'MaxSet' }];
    expect((await csms.call('VARS-1', 'GetVariables', { getVariableData: get })).getVariableResult).toEqual([
      { attributeStatus: 'Accepted', attributeValue: 'true', ...offlineTx },
      { attributeStatus: 'Accepted', attributeValue: 'true', ...custom },
      { attributeStatus: 'Accepted', attributeValue: 'SimCharger-1', ...model },
      { attributeStatus: 'Accepted', attributeValue: 'Available', ...connector },
      { attributeStatus: 'UnknownVariable', ...unknownVariable },
      { attributeStatus: 'UnknownComponent', ...unknownComponent },
      { attributeStatus: 'NotSupportedAttributeType', ...offlineTx, attributeType: 'MaxSet' },
    ]);
    await c.close();
  });

  it('answers GetBaseReport, then reports the device model in NotifyReports numbered from 0', async () => {
    const c = await station('REPORT-1', 'ocpp2.0.1', 2);
    const reports: SentCall[] = [];
    const done = new Promise<void>((resolve) => {
      const collect = async (): Promise<void> => {
        const report = await csms.nextCall('REPORT-1', 'NotifyReport');
        reports.push(report);
        if (report.payload.tbc) return collect();
        resolve();
      };
      void collect();
    });
    expect(await csms.call('REPORT-1', 'GetBaseReport', { requestId: 9, reportBase: 'FullInventory' })).toEqual({ status: 'Accepted' });
    await done;
    expect(reports.length).toBeGreaterThan(1);
    expect(reports.map((r) => [r.payload.requestId, r.payload.seqNo, r.payload.tbc])).toEqual(reports.map((_, i) => [9, i, i < reports.length - 1]));
    const data = reports.flatMap((r) => r.payload.reportData);
    const value = (component: string, variable: string) =>
      data.find((d) => d.component.name === component && d.variable.name === variable)?.variableAttribute[0].value;
    expect(['VendorName', 'Model', 'SerialNumber', 'FirmwareVersion'].map((v) => value('ChargingStation', v))).toEqual(['Sim', 'SimCharger-1', 'REPORT-1', '1.0.0']);
    expect(data.filter((d) => d.component.name === 'EVSE').map((d) => d.component.evse)).toEqual([{ id: 1 }, { id: 2 }]);
    expect(data.filter((d) => d.component.name === 'Connector' && d.variable.name === 'ConnectorType').map((d) => d.component.evse)).toEqual([
      { id: 1, connectorId: 1 },
      { id: 2, connectorId: 1 },
    ]);
    await c.close();
  });

  it('answers the other commands with defaults that onCall still overrides', async () => {
    const c = await station('DEFAULTS-1');
    expect(await csms.call('DEFAULTS-1', 'UnlockConnector', { evseId: 1, connectorId: 1 })).toEqual({ status: 'Unlocked' });
    expect(await csms.call('DEFAULTS-1', 'TriggerMessage', { requestedMessage: 'TransactionEvent' })).toEqual({ status: 'Rejected' }); // no transaction
    expect(await csms.call('DEFAULTS-1', 'TriggerMessage', { requestedMessage: 'SignV2GCertificate' })).toEqual({ status: 'NotImplemented' });
    expect(await csms.call('DEFAULTS-1', 'TriggerMessage', { requestedMessage: 'SignChargingStationCertificate' })).toEqual({ status: 'Rejected' }); // no CSR
    expect(await csms.call('DEFAULTS-1', 'Reset', { type: 'Immediate' })).toEqual({ status: 'Accepted' });
    c.onCall('Reset', () => ({ status: 'Scheduled' }));
    expect(await csms.call('DEFAULTS-1', 'Reset', { type: 'Immediate' })).toEqual({ status: 'Scheduled' });
    expect(await csms.call('DEFAULTS-1', 'DataTransfer', { vendorId: 'x' })).toEqual({ status: 'UnknownVendorId' });
    expect((await csms.call('DEFAULTS-1', 'ClearDisplayMessage', { id: 1 })).slice(2, 3)).toEqual(['NotImplemented']);
    expect(c.receivedCalls.map((r) => r.action)).toEqual(['UnlockConnector', 'TriggerMessage', 'TriggerMessage', 'TriggerMessage', 'Reset', 'Reset', 'DataTransfer', 'ClearDisplayMessage']);
    await c.close();
  });
});

describe('mixed fleets', () => {
  it('splits a fleet into consecutive blocks by version share', () => {
    const mix = parseVersionMix('1.6:50,2.0.1:25,2.1:25');
    expect(Array.from({ length: 8 }, (_, i) => versionForIndex(mix, i, 8))).toEqual(['1.6', '1.6', '1.6', '1.6', '2.0.1', '2.0.1', '2.1', '2.1']);
    expect(Array.from({ length: 3 }, (_, i) => versionForIndex(parseVersionMix('1.6:50,2.0.1:50'), i, 3))).toEqual(['1.6', '1.6', '2.0.1']);
    expect(() => parseVersionMix('1.6:50,2.0.1:40')).toThrow('add up to 90');
    expect(() => parseVersionMix('1.5:100')).toThrow('"1.5:100"');
  });

  it('runs a mixed fleet, each charger in its own version', async () => {
    const fleet = await runFleet({
      url: csms.url, count: 4, idPrefix: 'MIX-', idTag: 'GOOD', sessions: 1, meterIntervalMs: 1, meterSamples: 1, connectRate: 1000,
      versions: parseVersionMix('1.6:50,2.0.1:50'),
    });
    expect(fleet).toMatchObject({ failed: 0, sessionErrors: 0 });
    expect(['MIX-1', 'MIX-2', 'MIX-3', 'MIX-4'].map((id) => csms.stations.get(id)!.subprotocol)).toEqual(['ocpp1.6', 'ocpp1.6', 'ocpp2.0.1', 'ocpp2.0.1']);
    expect(sent('MIX-2', 'StopTransaction')).toHaveLength(1);
    expect(sent('MIX-3', 'TransactionEvent').map(brief).at(-1)).toBe('Ended/3/StopAuthorized');
    expect(sent('MIX-3', 'StatusNotification').slice(0, 1).map((s) => s.payload.evseId)).toEqual([1]); // no connector 0 in 2.0.1
    await fleet.close();
  });
});
