// Remote commands through the REST API to a connected simulated charger, and how each failure maps to HTTP.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallError, type SimCharger } from '../../simulators/charger/charger.js';
import { COMMANDS_BY_VERSION, REMOTE_COMMANDS, type RemoteCommand } from '../../src/ocpp/commands.js';
import { startApi, type TestApi } from './gateway.js';

describe('remote commands', () => {
  let api: TestApi;
  let cp: SimCharger;
  // A charger of its own for the table below, so its answers do not leak into the other cases.
  let every: SimCharger;
  const command = (chargerId: string, action: string, body?: unknown) =>
    api.request('POST', `/api/chargers/${chargerId}/commands/${action}`, body);

  beforeAll(async () => {
    // Short, so the "never answers" case costs a fraction of a second.
    api = await startApi('sqlite', { commandTimeoutMs: 300 });
    const { body: inst } = await api.request('POST', '/api/installations', { name: 'Commands' });
    await api.request('POST', `/api/installations/${inst.id}/chargers`, { id: 'CP-CMD-1' });
    await api.request('POST', `/api/installations/${inst.id}/chargers`, { id: 'CP-CMD-OFF' });
    await api.request('POST', `/api/installations/${inst.id}/chargers`, { id: 'CP-CMD-ALL' });
    cp = await api.charger('CP-CMD-1');
    await cp.boot();
    every = await api.charger('CP-CMD-ALL');
    await every.boot();
  });
  afterAll(async () => {
    await api?.close();
  });

  const profile16 = {
    chargingProfileId: 8, stackLevel: 0, chargingProfilePurpose: 'ChargePointMaxProfile', chargingProfileKind: 'Absolute',
    chargingSchedule: { startSchedule: '2030-01-01T00:00:00Z', chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] },
  };
  // Every command with a valid body, and an answer the simulator would not give by default.
  const everyCommand: [RemoteCommand, Record<string, unknown>, object][] = [
    ['RemoteStartTransaction', { connectorId: 1, idTag: 'REMOTE-1' }, { status: 'Rejected' }],
    ['RemoteStopTransaction', { transactionId: 42 }, { status: 'Rejected' }],
    ['Reset', { type: 'Hard' }, { status: 'Rejected' }],
    ['UnlockConnector', { connectorId: 2 }, { status: 'UnlockFailed' }],
    ['ChangeAvailability', { connectorId: 0, type: 'Inoperative' }, { status: 'Scheduled' }],
    ['ChangeConfiguration', { key: 'MeterValueSampleInterval', value: '30' }, { status: 'RebootRequired' }],
    ['GetConfiguration', { key: ['MeterValueSampleInterval'] }, { configurationKey: [{ key: 'MeterValueSampleInterval', readonly: true, value: '60' }] }],
    ['TriggerMessage', { requestedMessage: 'StatusNotification', connectorId: 1 }, { status: 'NotImplemented' }],
    ['ClearCache', {}, { status: 'Rejected' }],
    ['DataTransfer', { vendorId: 'com.example', messageId: 'hello', data: 'x' }, { status: 'UnknownMessageId' }],
    ['ReserveNow', { connectorId: 1, expiryDate: '2030-01-01T00:00:00Z', idTag: 'RES-1', reservationId: 5 }, { status: 'Occupied' }],
    ['CancelReservation', { reservationId: 5 }, { status: 'Rejected' }],
    ['SetChargingProfile', { connectorId: 0, csChargingProfiles: profile16 }, { status: 'NotSupported' }],
    ['ClearChargingProfile', { id: 8 }, { status: 'Unknown' }],
    ['GetCompositeSchedule', { connectorId: 1, duration: 3600, chargingRateUnit: 'A' }, { status: 'Rejected' }],
    ['UpdateFirmware', { location: 'https://firmware.example.com/v2.bin', retrieveDate: '2030-01-01T00:00:00Z' }, {}],
    ['GetDiagnostics', { location: 'ftp://logs.example.com/upload' }, {}],
    ['GetLocalListVersion', {}, { listVersion: -1 }],
    ['ExtendedTriggerMessage', { requestedMessage: 'SignChargePointCertificate' }, { status: 'Rejected' }],
    ['GetLog', { requestId: 1, logType: 'SecurityLog', log: { remoteLocation: 'https://logs.example.com/upload' } }, { status: 'Rejected' }],
    ['SignedUpdateFirmware', { requestId: 2, firmware: { location: 'https://fw.example.com/a.bin', retrieveDateTime: '2030-01-01T00:00:00Z', signingCertificate: 'PEM', signature: 'c2ln' } }, { status: 'InvalidCertificate' }],
    ['InstallCertificate', { certificateType: 'ManufacturerRootCertificate', certificate: 'PEM' }, { status: 'Failed' }],
    ['GetInstalledCertificateIds', { certificateType: 'CentralSystemRootCertificate' }, { status: 'NotFound' }],
    ['DeleteCertificate', { certificateHashData: { hashAlgorithm: 'SHA256', issuerNameHash: 'aa', issuerKeyHash: 'bb', serialNumber: '01' } }, { status: 'NotFound' }],
    ['CertificateSigned', { certificateChain: 'PEM' }, { status: 'Rejected' }],
  ];

  it('has a case for every 1.6 remote command', () => {
    expect(everyCommand.map(([action]) => action).sort()).toEqual([...COMMANDS_BY_VERSION['1.6']].sort());
  });

  it.each(everyCommand)("sends %s with its params and returns the charger's answer", async (action, body, answer) => {
    every.onCall(action, () => answer);
    const res = await command('CP-CMD-ALL', action, body);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ action, result: answer });
    expect(every.lastCall(action)).toEqual({ action, payload: body });
  });

  it("returns the charger's answer to Reset", async () => {
    cp.onCall('Reset', () => ({ status: 'Rejected' }));
    const res = await command('CP-CMD-1', 'Reset', { type: 'Soft' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ action: 'Reset', result: { status: 'Rejected' } });
    expect(cp.lastCall('Reset')).toEqual({ action: 'Reset', payload: { type: 'Soft' } });
  });

  it('sends commands without a body as {} and returns structured answers', async () => {
    expect((await command('CP-CMD-1', 'ClearCache')).body).toEqual({ action: 'ClearCache', result: { status: 'Accepted' } });
    cp.configuration.set('HeartbeatInterval', '300');
    const res = await command('CP-CMD-1', 'GetConfiguration', { key: ['HeartbeatInterval', 'Nope'] });
    expect(res.body.result).toEqual({ configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '300' }], unknownKey: ['Nope'] });
  });

  it('names the field of a body that breaks the OCPP schema, and sends nothing', async () => {
    const sent = cp.receivedCalls.length;
    for (const [body, field] of [
      [{ type: 'Medium' }, 'type'],
      [{}, 'type'],
      [{ type: 'Soft', force: true }, 'force'],
    ] as const) {
      const res = await command('CP-CMD-1', 'Reset', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error).toBe('COMMAND_INVALID');
      expect(res.body.details.map((d: any) => d.field)).toContain(field);
    }
    expect(cp.receivedCalls.length).toBe(sent);
  });

  it('answers 409 for a registered charger that is not connected', async () => {
    const res = await command('CP-CMD-OFF', 'Reset', { type: 'Hard' });
    expect(res.status).toBe(409);
    expect(res.body.error).toBe('CHARGER_OFFLINE');
  });

  it('answers 404 for an unknown charger or action, naming the supported actions', async () => {
    const charger = await command('CP-NOPE', 'Reset', { type: 'Soft' });
    expect(charger.status).toBe(404);
    expect(charger.body.error).toBe('NOT_FOUND');

    const action = await command('CP-CMD-1', 'Teleport', {});
    expect(action.status).toBe(404);
    expect(action.body.error).toBe('NOT_FOUND');
    expect(action.body.details.supported).toEqual([...REMOTE_COMMANDS]);
    expect(action.body.message).toContain('ChangeAvailability');
  });

  it('answers 502 with the OCPP error when the charger answers with a CALLERROR', async () => {
    cp.onCall('UnlockConnector', () => {
      throw new CallError('NotSupported', 'no motorised lock');
    });
    const res = await command('CP-CMD-1', 'UnlockConnector', { connectorId: 1 });
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ error: 'CHARGER_CALL_ERROR', details: { errorCode: 'NotSupported', errorDescription: 'no motorised lock' } });
  });

  it('answers 504 when the charger never answers', async () => {
    cp.onCall('TriggerMessage', () => new Promise<object>(() => {}));
    const started = Date.now();
    const res = await command('CP-CMD-1', 'TriggerMessage', { requestedMessage: 'Heartbeat' });
    expect(res.status).toBe(504);
    expect(res.body.error).toBe('COMMAND_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
