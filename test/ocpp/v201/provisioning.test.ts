import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { receiver, subscribe } from '../../helpers/notifications.js';
import type { Receiver } from '../../../simulators/receiver/index.js';
import type { SimCharger } from '../../../simulators/charger/charger.js';
import { CallError } from '../../../simulators/charger/charger.js';
import { CATALOGUE } from '../../../src/notifications/catalogue.js';

const now = () => new Date().toISOString();
const BOOT = { reason: 'PowerUp', chargingStation: { vendorName: 'Alfen', model: 'Eve Double', serialNumber: 'ACE0012345', firmwareVersion: '6.1.0' } };

/** What a 2.0.1 (and a 2.1) charger sends outside transactions, answered and stored, on both engines. */
describe.each([
  ['sqlite', 'ocpp2.0.1'],
  ['postgres', 'ocpp2.0.1'],
  ['sqlite', 'ocpp2.1'],
] as const)('provisioning on %s over %s', (engine, protocol) => {
  const ocppVersion = protocol.replace('ocpp', '');
  let t: TestGateway;
  let r: Receiver;
  let c: SimCharger;
  beforeAll(async () => {
    t = await startTestGateway(engine, { heartbeatIntervalSec: 120, dataTransferVendorIds: ['com.example'] });
    r = await receiver();
    await subscribe(t, { url: r.url, events: ['*'] });
    await t.installation(['V2-1', 'V16-1']);
    c = t.charger('V2-1', { protocol });
    await c.connect();
  });
  afterAll(async () => {
    await t?.stop();
    await r?.close();
  });

  const charger = async () => (await t.api('GET', '/api/chargers/V2-1')).body;
  /** Waits for an event of this type whose data has these fields, and checks it against the catalogue. */
  const delivered = async (type: keyof typeof CATALOGUE, fields: Record<string, unknown>) => {
    const data = () => r.deliveries.filter((d) => d.body.type === type).map((d) => d.body.data);
    await expect.poll(data, { timeout: 15_000 }).toContainEqual(expect.objectContaining(fields));
    for (const d of data()) expect(CATALOGUE[type].data.safeParse(d).success, type).toBe(true);
  };

  it('accepts BootNotification with the time and the heartbeat interval, and stores the station', async () => {
    const conf = await c.call('BootNotification', BOOT);
    expect(conf).toMatchObject({ status: 'Accepted', interval: 120 });
    expect(Math.abs(Date.parse(conf.currentTime) - Date.now())).toBeLessThan(60_000);
    expect((await charger()).boot).toMatchObject({ vendor: 'Alfen', model: 'Eve Double', serialNumber: 'ACE0012345', firmwareVersion: '6.1.0' });
    await delivered('charger.booted', { vendor: 'Alfen', model: 'Eve Double', ocppVersion });
  });

  it('answers Heartbeat with the time', async () => {
    const conf = await c.call('Heartbeat', {});
    expect(Math.abs(Date.parse(conf.currentTime) - Date.now())).toBeLessThan(60_000);
  });

  it('stores each connector of each EVSE apart, and 1.6 connectors without an EVSE', async () => {
    await c.call('StatusNotification', { timestamp: now(), connectorStatus: 'Available', evseId: 1, connectorId: 1 });
    await c.call('StatusNotification', { timestamp: now(), connectorStatus: 'Occupied', evseId: 2, connectorId: 1 });
    await c.call('StatusNotification', { timestamp: now(), connectorStatus: 'Faulted', evseId: 2, connectorId: 2 });
    const connectors = (await charger()).connectors.map((x: any) => [x.evseId, x.connectorId, x.status]);
    expect(connectors).toEqual([
      [1, 1, 'Available'],
      [2, 1, 'Occupied'],
      [2, 2, 'Faulted'],
    ]);
    await delivered('connector.status_changed', { evseId: 2, connectorId: 2, status: 'Faulted', errorCode: 'NoError', ocppVersion });

    const old = t.charger('V16-1');
    await old.connect();
    await old.status(1, 'Available');
    const view = (await t.api('GET', '/api/chargers/V16-1')).body;
    expect(view.connectors).toMatchObject([{ evseId: null, connectorId: 1, status: 'Available' }]);
    await old.close();
  });

  it('keeps the device model basics of a NotifyReport sent in parts', async () => {
    const attr = (value: string) => [{ type: 'Actual', value }];
    const part1 = [
      { component: { name: 'ChargingStation' }, variable: { name: 'VendorName' }, variableAttribute: attr('Alfen') },
      { component: { name: 'ChargingStation' }, variable: { name: 'Model' }, variableAttribute: attr('Eve Double') },
      { component: { name: 'ChargingStation' }, variable: { name: 'SerialNumber' }, variableAttribute: attr('ACE0012345') },
      { component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'AvailabilityState' }, variableAttribute: attr('Available') },
      { component: { name: 'Connector', evse: { id: 1, connectorId: 1 } }, variable: { name: 'ConnectorType' }, variableAttribute: attr('cType2') },
    ];
    const part2 = [
      { component: { name: 'ChargingStation' }, variable: { name: 'FirmwareVersion' }, variableAttribute: attr('6.1.1') },
      { component: { name: 'EVSE', evse: { id: 2 } }, variable: { name: 'Power' }, variableAttribute: [{ type: 'MaxSet', value: '22000' }] },
      { component: { name: 'Connector', evse: { id: 2, connectorId: 1 } }, variable: { name: 'AvailabilityState' }, variableAttribute: attr('Occupied') },
    ];
    expect(await c.call('NotifyReport', { requestId: 7, generatedAt: now(), seqNo: 0, tbc: true, reportData: part1 })).toEqual({});
    expect(await c.call('NotifyReport', { requestId: 7, generatedAt: now(), seqNo: 1, reportData: part2 })).toEqual({});
    expect((await charger()).deviceModel).toMatchObject({
      vendor: 'Alfen',
      model: 'Eve Double',
      serialNumber: 'ACE0012345',
      firmwareVersion: '6.1.1',
      requestId: 7,
      evses: [
        { id: 1, connectors: [{ id: 1, type: 'cType2' }] },
        { id: 2, connectors: [{ id: 1, type: null }] },
      ],
    });
  });

  it('stores a SecurityEventNotification, shows it under the charger and publishes it', async () => {
    const at = now();
    expect(await c.call('SecurityEventNotification', { type: 'FirmwareUpdated', timestamp: at, techInfo: 'from 6.1.0' })).toEqual({});
    await c.call('SecurityEventNotification', { type: 'TamperDetectionActivated', timestamp: at });
    const listed = await t.api('GET', '/api/chargers/V2-1/security-events');
    expect(listed.status).toBe(200);
    expect(listed.body.items).toMatchObject([
      { type: 'TamperDetectionActivated', timestamp: at, techInfo: null },
      { type: 'FirmwareUpdated', timestamp: at, techInfo: 'from 6.1.0' },
    ]);
    expect((await t.api('GET', '/api/chargers/NOPE/security-events')).status).toBe(404);
    await delivered('charger.security_event', { type: 'TamperDetectionActivated', ocppVersion });
  });

  it('shows firmware and log upload statuses', async () => {
    expect(await c.call('FirmwareStatusNotification', { status: 'Installing', requestId: 3 })).toEqual({});
    expect(await c.call('LogStatusNotification', { status: 'Uploaded', requestId: 4 })).toEqual({});
    const view = await charger();
    expect(view.firmwareStatus.status).toBe('Installing');
    expect(view.diagnosticsStatus.status).toBe('Uploaded');
    await delivered('charger.firmware_status', { status: 'Installing', requestId: 3, ocppVersion });
  });

  it('answers NotifyEvent, MeterValues and DataTransfer', async () => {
    const event = { eventId: 1, timestamp: now(), trigger: 'Alerting', actualValue: 'true', eventNotificationType: 'HardWiredNotification', component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'Problem' } };
    expect(await c.call('NotifyEvent', { generatedAt: now(), seqNo: 0, eventData: [event] })).toEqual({});
    const meterValue = [{ timestamp: now(), sampledValue: [{ value: 1234.5, measurand: 'Energy.Active.Import.Register' }] }];
    expect(await c.call('MeterValues', { evseId: 1, meterValue })).toEqual({});
    await delivered('session.meter_values', { transactionId: null, evseId: 1, ocppVersion });
    expect(await c.call('DataTransfer', { vendorId: 'com.example', messageId: 'x' })).toEqual({ status: 'Accepted' });
    expect(await c.call('DataTransfer', { vendorId: 'com.other' })).toEqual({ status: 'UnknownVendorId' });
  });

  it('answers NotImplemented to what it does not handle, 1.6 actions included', async () => {
    for (const [action, payload] of [
      ['NotifyCustomerInformation', { data: 'nothing kept', seqNo: 0, generatedAt: now(), requestId: 1 }],
      ['StartTransaction', { connectorId: 1, idTag: 'A', meterStart: 0, timestamp: now() }],
    ] as const) {
      const err = await c.call(action, payload).catch((e) => e);
      expect(err).toBeInstanceOf(CallError);
      expect(err.code).toBe('NotImplemented');
    }
    expect(c.isOpen).toBe(true);
  });
});
