import type { z } from 'zod';
import { CATALOGUE, EVENT_TYPES, type CatalogueEnvelope, type EventType } from './catalogue.js';

/** Example data per event, shown in docs/events.md and checked against the schemas by a test. */
export const EXAMPLES: { [T in EventType]: z.infer<(typeof CATALOGUE)[T]['data']> } = {
  'charger.booted': { vendor: 'Alfen', model: 'Eve Single', serialNumber: 'ACE0012345', firmwareVersion: '5.8.1' },
  'charger.connected': { nodeId: 'gw-1' },
  'charger.disconnected': { nodeId: 'gw-1', code: 1006, reason: '' },
  'connector.status_changed': { connectorId: 1, status: 'Charging', errorCode: 'NoError', info: null, vendorErrorCode: null, timestamp: '2026-11-23T10:15:00.000Z' },
  'authorization.decided': { trigger: 'StartTransaction', idTag: '04A1B2C3D4E5F6', connectorId: 1, status: 'Accepted', source: 'webhook', reason: 'provider_allowed', ocppVersion: '1.6' },
  'session.started': {
    transactionId: 4711, ocppVersion: '2.0.1', chargerTransactionId: 'f3b1c7e0-2d4a-4c1e-9a57-0c1d2e3f4a5b', connectorId: 1, idTag: '04A1B2C3D4E5F6', meterStart: 120500, startTime: '2026-11-23T10:15:02.000Z',
    authorization: { status: 'Accepted', source: 'webhook', reason: 'provider_allowed' }, late: false, providerSessionId: 'ps-981', roaming: null,
  },
  'session.meter_values': {
    transactionId: 4711, connectorId: 1,
    meterValue: [{ timestamp: '2026-11-23T10:30:00.000Z', sampledValue: [{ value: '125800', measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] }],
  },
  'session.stopped': {
    transactionId: 4711, ocppVersion: '2.0.1', chargerTransactionId: 'f3b1c7e0-2d4a-4c1e-9a57-0c1d2e3f4a5b', connectorId: 1, idTag: '04A1B2C3D4E5F6', stopIdTag: '04A1B2C3D4E5F6', meterStart: 120500, meterStop: 142900,
    energyWh: 22400, startTime: '2026-11-23T10:15:02.000Z', stopTime: '2026-11-23T12:01:44.000Z', reason: 'EVDisconnected',
    authorizedOffline: false, meterAnomaly: false, providerSessionId: 'ps-981', roaming: null,
  },
  'charger.firmware_status': { status: 'Installed' },
  'charger.diagnostics_status': { status: 'Uploaded' },
  'charger.security_event': { type: 'FirmwareUpdated', timestamp: '2026-11-23T10:15:00.000Z', techInfo: null, ocppVersion: '2.0.1' },
  'localList.synced': { version: 12, updateType: 'Differential', entries: 240, sent: 2, messages: 1, ocppVersion: '1.6' },
  'localList.failed': { state: 'failed', answer: 'VersionMismatch', version: 11, ocppVersion: '1.6' },
  'reservation.created': { reservationId: 17, connectorId: 1, idTag: '04A1B2C3D4E5F6', parentIdTag: 'FLEET-7', expiryDate: '2026-11-23T11:00:00.000Z', transactionId: null, ocppVersion: '1.6' },
  'reservation.used': { reservationId: 17, connectorId: 1, idTag: '04A1B2C3D4E5F6', parentIdTag: 'FLEET-7', expiryDate: '2026-11-23T11:00:00.000Z', transactionId: 4711, ocppVersion: '1.6' },
  'reservation.cancelled': { reservationId: 17, connectorId: 1, idTag: '04A1B2C3D4E5F6', parentIdTag: null, expiryDate: '2026-11-23T11:00:00.000Z', transactionId: null, ocppVersion: '2.0.1' },
  'reservation.expired': { reservationId: 17, connectorId: 0, idTag: '04A1B2C3D4E5F6', parentIdTag: null, expiryDate: '2026-11-23T11:00:00.000Z', transactionId: null, ocppVersion: '1.6' },
  'installation.changed': { change: 'updated', name: 'Depot North', authMode: 'webhook', offlineAllow: true },
  'id_tag.changed': { change: 'created', idTag: '04A1B2C3D4E5F6', status: 'Accepted', expiryDate: null, parentIdTag: 'FLEET-7' },
  'subscription.test': { subscriptionId: '6f1c…', message: 'Test event from the gateway' },
};

/** Events that concern one charger: their envelopes name it. */
export const CHARGER_EVENTS = new Set<EventType>(EVENT_TYPES.filter((t) => !['installation.changed', 'id_tag.changed', 'subscription.test'].includes(t)));


/**
 * A realistic envelope of `type`: docs/events.md shows one, and "Send test" sends one so a
 * subscriber can try each event before real traffic.
 */
export function exampleEnvelope(type: EventType, at: { id: string; occurredAt: string; installationId: string; chargerId?: string }): CatalogueEnvelope {
  return {
    id: at.id,
    type,
    occurredAt: at.occurredAt,
    version: CATALOGUE[type].version,
    installationId: at.installationId,
    ...(CHARGER_EVENTS.has(type) && { chargerId: at.chargerId ?? 'CP-0042' }),
    data: EXAMPLES[type],
  } as CatalogueEnvelope;
}
