// Remote commands to OCPP 2.0.1 and 2.1 chargers through the same API route as 1.6: the body is
// checked against the schema of the charger's own version, on whichever node gets the call.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallError, type SimCharger } from '../../simulators/charger/charger.js';
import { COMMANDS_BY_VERSION } from '../../src/ocpp/commands.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';

const heartbeat = { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } };

const profile201 = {
  id: 8, stackLevel: 0, chargingProfilePurpose: 'ChargingStationMaxProfile', chargingProfileKind: 'Absolute',
  chargingSchedule: [{ id: 1, startSchedule: '2030-01-01T00:00:00Z', chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 11000 }] }],
};

// Every 2.0.1 command with a valid body, and an answer the charger gives per the 2.0.1 schema.
const everyCommand: [string, Record<string, unknown>, object][] = [
  ['RequestStartTransaction', { idToken: { idToken: 'REMOTE-1', type: 'ISO14443' }, remoteStartId: 7, evseId: 1 }, { status: 'Rejected' }],
  ['RequestStopTransaction', { transactionId: 'tx-201-1' }, { status: 'Rejected' }],
  ['Reset', { type: 'OnIdle' }, { status: 'Scheduled' }],
  ['UnlockConnector', { evseId: 1, connectorId: 1 }, { status: 'UnlockFailed' }],
  ['ChangeAvailability', { operationalStatus: 'Inoperative', evse: { id: 1 } }, { status: 'Scheduled' }],
  ['GetVariables', { getVariableData: [heartbeat] }, { getVariableResult: [{ attributeStatus: 'Accepted', attributeValue: '300', ...heartbeat }] }],
  ['SetVariables', { setVariableData: [{ attributeValue: '60', ...heartbeat }] }, { setVariableResult: [{ attributeStatus: 'RebootRequired', ...heartbeat }] }],
  ['TriggerMessage', { requestedMessage: 'StatusNotification', evse: { id: 1, connectorId: 1 } }, { status: 'Accepted' }],
  ['ClearCache', {}, { status: 'Rejected' }],
  ['GetBaseReport', { requestId: 3, reportBase: 'FullInventory' }, { status: 'Accepted' }],
  ['ReserveNow', { id: 5, expiryDateTime: '2030-01-01T00:00:00Z', idToken: { idToken: 'RES-1', type: 'ISO14443' }, evseId: 1 }, { status: 'Occupied' }],
  ['CancelReservation', { reservationId: 5 }, { status: 'Rejected' }],
  ['SetChargingProfile', { evseId: 0, chargingProfile: profile201 }, { status: 'Rejected' }],
  ['ClearChargingProfile', { chargingProfileId: 8 }, { status: 'Unknown' }],
  ['GetCompositeSchedule', { duration: 3600, evseId: 1, chargingRateUnit: 'W' }, { status: 'Rejected' }],
  ['GetChargingProfiles', { requestId: 9, chargingProfile: { chargingProfilePurpose: 'TxDefaultProfile' } }, { status: 'NoProfiles' }],
  ['UpdateFirmware', { requestId: 10, firmware: { location: 'https://firmware.example.com/v2.bin', retrieveDateTime: '2030-01-01T00:00:00Z' } }, { status: 'Rejected' }],
  ['GetLog', { requestId: 11, logType: 'DiagnosticsLog', log: { remoteLocation: 'https://logs.example.com/upload' } }, { status: 'Rejected' }],
  ['GetLocalListVersion', {}, { versionNumber: 42 }],
  ['InstallCertificate', { certificateType: 'CSMSRootCertificate', certificate: 'PEM' }, { status: 'Failed' }],
  ['GetInstalledCertificateIds', { certificateType: ['CSMSRootCertificate'] }, { status: 'NotFound' }],
  ['DeleteCertificate', { certificateHashData: { hashAlgorithm: 'SHA256', issuerNameHash: 'aa', issuerKeyHash: 'bb', serialNumber: '01' } }, { status: 'NotFound' }],
  ['CertificateSigned', { certificateChain: 'PEM', certificateType: 'ChargingStationCertificate' }, { status: 'Rejected' }],
  ['GetReport', { requestId: 12, componentCriteria: ['Active'] }, { status: 'EmptyResultSet' }],
  ['GetTransactionStatus', { transactionId: 'tx-201-1' }, { ongoingIndicator: true, messagesInQueue: false }],
  ['DataTransfer', { vendorId: 'com.example', messageId: 'hello', data: 'x' }, { status: 'UnknownVendorId' }],
  [
    'SetNetworkProfile',
    { configurationSlot: 1, connectionData: { ocppVersion: 'OCPP20', ocppTransport: 'JSON', ocppCsmsUrl: 'wss://csms.example.com/ocpp', messageTimeout: 30, securityProfile: 2, ocppInterface: 'Wired0' } },
    { status: 'Rejected' },
  ],
  ['CostUpdated', { totalCost: 4.5, transactionId: 'tx-201-1' }, {}],
  ['CustomerInformation', { requestId: 13, report: true, clear: false, idToken: { idToken: 'CUST-1', type: 'ISO14443' } }, { status: 'Rejected' }],
  ['SetDisplayMessage', { message: { id: 1, priority: 'NormalCycle', message: { format: 'UTF8', content: 'Hello' } } }, { status: 'Accepted' }],
  ['GetDisplayMessages', { requestId: 14 }, { status: 'Unknown' }],
  ['ClearDisplayMessage', { id: 1 }, { status: 'Unknown' }],
  ['SetMonitoringBase', { monitoringBase: 'FactoryDefault' }, { status: 'Accepted' }],
  ['SetMonitoringLevel', { severity: 5 }, { status: 'Accepted' }],
  ['SetVariableMonitoring', { setMonitoringData: [{ value: 10, type: 'Delta', severity: 5, ...heartbeat }] }, { setMonitoringResult: [{ status: 'Rejected', type: 'Delta', severity: 5, ...heartbeat }] }],
  ['ClearVariableMonitoring', { id: [1] }, { clearMonitoringResult: [{ status: 'NotFound', id: 1 }] }],
  ['GetMonitoringReport', { requestId: 15 }, { status: 'Accepted' }],
];

describe('remote commands to OCPP 2.0.1 and 2.1 chargers', () => {
  let t: TestGateway;
  let v201: SimCharger;
  let v16: SimCharger;
  const command = (chargerId: string, action: string, body?: unknown) => t.api('POST', `/api/chargers/${chargerId}/commands/${action}`, body);

  beforeAll(async () => {
    t = await startTestGateway('sqlite', { commandTimeoutMs: 500 });
    await t.installation(['CP-201', 'CP-21', 'CP-16', 'CP-201-GONE']);
    v201 = t.charger('CP-201', { protocol: 'ocpp2.0.1' });
    v16 = t.charger('CP-16');
    await Promise.all([v201.connect(), v16.connect()]);
  });
  afterAll(() => t?.stop());

  it('has a case for every 2.0.1 command, and 2.1 allows the same', () => {
    expect(everyCommand.map(([action]) => action).sort()).toEqual([...COMMANDS_BY_VERSION['2.0.1']].sort());
    expect(COMMANDS_BY_VERSION['2.1']).toEqual(COMMANDS_BY_VERSION['2.0.1']);
  });

  it.each(everyCommand)("sends %s to a 2.0.1 charger and returns its answer", async (action, body, answer) => {
    v201.onCall(action, () => answer);
    const res = await command('CP-201', action, body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ action, result: answer });
    expect(v201.lastCall(action)).toEqual({ action, payload: body });
  });

  it('gets the status of a transaction (E14) and acknowledges the reports commands ask for (N09, O04, N02) instead of NotImplemented', async () => {
    const other = t.charger('CP-21', { protocol: 'ocpp2.0.1' });
    await other.connect();
    await other.boot();
    const tx = other.openTransaction(1);
    await other.transactionEvent(tx.event('Started', 'Authorized', { idToken: { idToken: 'TAG-1', type: 'ISO14443' } }));
    const status = await command('CP-21', 'GetTransactionStatus', { transactionId: tx.transactionId });
    expect(status.body).toEqual({ action: 'GetTransactionStatus', result: { ongoingIndicator: true, messagesInQueue: false } });
    const unknown = await command('CP-21', 'GetTransactionStatus', { transactionId: 'never-started' });
    expect(unknown.body.result).toEqual({ ongoingIndicator: false, messagesInQueue: false });

    let notified: Promise<unknown> | undefined;
    other.onCall('CustomerInformation', (p, c, after) => {
      after(() => (notified = c.call('NotifyCustomerInformation', { data: '', seqNo: 0, generatedAt: new Date().toISOString(), requestId: p.requestId, tbc: false })));
      return { status: 'Accepted' };
    });
    expect((await command('CP-21', 'CustomerInformation', { requestId: 21, report: true, clear: false, customerIdentifier: 'CUST-1' })).status).toBe(200);
    await expect.poll(() => notified).toBeDefined();
    expect(await notified).toEqual({});
    await other.close();
  });

  it('lists the commands of each version in the OpenAPI document, with their 2.0.1 schemas', async () => {
    const doc = (await t.api('GET', '/api/openapi.json')).body;
    const operation = doc.paths['/api/chargers/{id}/commands/{action}'];
    expect(operation.parameters.find((p: any) => p.name === 'action').schema.enum).toEqual(expect.arrayContaining(['GetVariables', 'RemoteStartTransaction']));
    expect(operation.post.description).toContain(`OCPP 2.0.1: ${COMMANDS_BY_VERSION['2.0.1'].join(', ')}`);
    expect(doc.components.schemas.Ocpp201ResetRequest.properties.type).toEqual({ $ref: '#/components/schemas/Ocpp201ResetEnumType' });
    expect(doc.components.schemas.Ocpp201ResetEnumType.enum).toEqual(['Immediate', 'OnIdle']);
  });

  it("shows each charger's OCPP version", async () => {
    await expect.poll(async () => (await t.api('GET', '/api/chargers/CP-201')).body.ocppVersion).toBe('2.0.1');
    expect((await t.api('GET', '/api/chargers/CP-16')).body.ocppVersion).toBe('1.6');
  });

  it('names the field of a body that breaks the 2.0.1 schema, and sends nothing', async () => {
    const sent = v201.receivedCalls.length;
    for (const [action, body, field] of [
      ['RequestStartTransaction', { idToken: { idToken: 'X' }, remoteStartId: 1 }, 'idToken.type'],
      ['Reset', { type: 'Soft' }, 'type'],
      ['UnlockConnector', { connectorId: 1 }, 'evseId'],
      ['GetVariables', { getVariableData: [{ component: { name: 'OCPPCommCtrlr' } }] }, 'getVariableData.0.variable'],
    ] as const) {
      const res = await command('CP-201', action, body);
      expect(res.status, `${action} ${JSON.stringify(body)}`).toBe(400);
      expect(res.body.error).toBe('COMMAND_INVALID');
      expect(res.body.details.map((d: any) => d.field)).toContain(field);
    }
    expect(v201.receivedCalls.length).toBe(sent);
  });

  it("answers 400 COMMAND_NOT_SUPPORTED for an action the charger's version does not have, naming the version", async () => {
    const to201 = await command('CP-201', 'RemoteStartTransaction', { connectorId: 1, idTag: 'REMOTE-1' });
    expect(to201.status).toBe(400);
    expect(to201.body).toMatchObject({ error: 'COMMAND_NOT_SUPPORTED', details: { ocppVersion: '2.0.1', supported: COMMANDS_BY_VERSION['2.0.1'] } });
    expect(to201.body.message).toContain('2.0.1');

    const to16 = await command('CP-16', 'GetVariables', { getVariableData: [heartbeat] });
    expect(to16.status).toBe(400);
    expect(to16.body).toMatchObject({ error: 'COMMAND_NOT_SUPPORTED', details: { ocppVersion: '1.6' } });
    expect(to16.body.message).toContain('1.6');
    expect(v16.receivedCalls.filter((c) => c.action === 'GetVariables')).toEqual([]);
  });

  it("passes a 2.0.1 charger's CALLERROR back with its 2.0.1 code, and a timeout as for 1.6", async () => {
    v201.onCall('UnlockConnector', () => {
      throw new CallError('FormatViolation', 'evse 9 has no connector 1');
    });
    const err = await command('CP-201', 'UnlockConnector', { evseId: 9, connectorId: 1 });
    expect(err.status).toBe(502);
    expect(err.body).toMatchObject({ error: 'CHARGER_CALL_ERROR', details: { errorCode: 'FormatViolation', errorDescription: 'evse 9 has no connector 1' } });

    v201.onCall('TriggerMessage', () => new Promise<object>(() => {}));
    const timeout = await command('CP-201', 'TriggerMessage', { requestedMessage: 'Heartbeat' });
    expect(timeout.status).toBe(504);
    expect(timeout.body.error).toBe('COMMAND_TIMEOUT');
  });

  it("sets a 2.0.1 charger's Basic-auth password with SetVariables BasicAuthPassword (A01), keeping the old one when refused", async () => {
    const password = 'New-Pa55word-2018';
    let status = 'Rejected';
    v201.onCall('SetVariables', ({ setVariableData: [{ component, variable }] }) => ({ setVariableResult: [{ attributeStatus: status, component, variable }] }));
    const refused = await t.api('POST', '/api/chargers/CP-201/password', { password });
    expect(refused.status).toBe(502);
    expect(refused.body).toMatchObject({ error: 'CHARGER_CALL_ERROR', details: { status: 'Rejected' } });
    expect((await t.api('GET', '/api/chargers/CP-201')).body.passwordSetAt).toBeNull();

    status = 'Accepted';
    const set = await t.api('POST', '/api/chargers/CP-201/password', { password });
    expect(set.status).toBe(201);
    expect(v201.lastCall('SetVariables')).toEqual({
      action: 'SetVariables',
      payload: { setVariableData: [{ attributeValue: password, component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' } }] },
    });
    expect((await t.api('GET', '/api/chargers/CP-201')).body.passwordSetAt).not.toBeNull();
  });

  it('checks a command to a disconnected charger against the version it last spoke', async () => {
    const gone = t.charger('CP-201-GONE', { protocol: 'ocpp2.0.1' });
    await gone.connect();
    await expect.poll(async () => (await t.api('GET', '/api/chargers/CP-201-GONE')).body.ocppVersion).toBe('2.0.1');
    await gone.close();
    await expect.poll(async () => (await t.api('GET', '/api/chargers/CP-201-GONE')).body.online).toBe(false);

    expect((await command('CP-201-GONE', 'ChangeConfiguration', { key: 'HeartbeatInterval', value: '60' })).body.error).toBe('COMMAND_NOT_SUPPORTED');
    expect((await command('CP-201-GONE', 'Reset', { type: 'Soft' })).body.error).toBe('COMMAND_INVALID');
    const offline = await command('CP-201-GONE', 'Reset', { type: 'Immediate' });
    expect(offline.status).toBe(409);
    expect(offline.body.error).toBe('CHARGER_OFFLINE');
  });

  it('sends the same commands to a 2.1 charger, checked against the 2.1 schema', async () => {
    const v21 = t.charger('CP-21', { protocol: 'ocpp2.1' });
    await v21.connect();
    const [action, body, answer] = everyCommand.find(([a]) => a === 'GetVariables')!;
    v21.onCall(action, () => answer);
    const res = await command('CP-21', action, body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ action, result: answer });
    expect((await command('CP-21', 'Reset', { type: 'Soft' })).body.error).toBe('COMMAND_INVALID');
    await expect.poll(async () => (await t.api('GET', '/api/chargers/CP-21')).body.ocppVersion).toBe('2.1');
  });
});

describe('remote commands to a 2.0.1 charger held by another node', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startTestCluster(2, { commandTimeoutMs: 500 });
    await cluster.installation(['CL-201']);
  });
  afterAll(() => cluster?.stop());

  it('carries the command to the node holding the charger and checks it against 2.0.1 on the way', async () => {
    const [a, b] = cluster.nodes;
    const cp = a.charger('CL-201', { protocol: 'ocpp2.0.1' });
    await cp.connect();
    await expect.poll(async () => (await b.api('GET', '/api/chargers/CL-201')).body).toMatchObject({ online: true, ocppVersion: '2.0.1' });
    const command = (action: string, body: unknown) => b.api('POST', `/api/chargers/CL-201/commands/${action}`, body);

    const [action, body, answer] = everyCommand.find(([name]) => name === 'GetVariables')!;
    cp.onCall(action, () => answer);
    const res = await command(action, body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ action, result: answer });
    expect(cp.lastCall(action)).toEqual({ action, payload: body });

    expect((await command('Reset', { type: 'Soft' })).body.error).toBe('COMMAND_INVALID');
    expect((await command('ChangeConfiguration', { key: 'HeartbeatInterval', value: '60' })).body.error).toBe('COMMAND_NOT_SUPPORTED');
    expect(cp.receivedCalls.map((c) => c.action)).toEqual(['GetVariables']);
  });
});
