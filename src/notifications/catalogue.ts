import { z } from 'zod';
import type { Envelope } from '../store/envelope.js';

/**
 * Every event the gateway publishes, with the schema of its `data`. docs/events.md is written
 * from this table (npm run docs:events), so the documentation cannot drift from the code.
 * Bump an event's version when its data changes incompatibly.
 */
const time = z.iso.datetime({ offset: true });
/** Which transaction, as the gateway (transactionId) and as the charger (a 2.0.1 charger's own id; a 1.6 charger's is ours) call it. */
const transactionIds = {
  transactionId: z.number().int(),
  ocppVersion: z.string(),
  chargerTransactionId: z.string(),
};
const authorization = z.object({ status: z.string(), source: z.string(), reason: z.string().nullable() });
const roaming = z
  .object({ partnerId: z.string(), authorizationReference: z.string().nullable() })
  .nullable()
  .describe('OCPI: the roaming partner (eMSP) that authorized the session and its reference for the OCPI session and CDR; null otherwise');
/** The charger's OCPP version; the data's shape is the same for every version. */
const ocppVersion = z.enum(['1.6', '2.0.1', '2.1']).optional().describe("The charger's OCPP version (absent on events written before 2.0.1 support)");
/** OCPP 2.0.1 numbers connectors within an EVSE; 1.6 has no EVSEs. */
const evseId = z.number().int().optional().describe('OCPP 2.0.1 EVSE id; absent for 1.6 chargers');

/** A reservation as the charger holds it; the same shape in every reservation.* event. */
const reservation = z.object({
  reservationId: z.number().int(),
  connectorId: z.number().int().describe('1.6 connector or 2.0.1 EVSE id; 0: any'),
  idTag: z.string().describe('For 2.0.1, idToken.idToken'),
  parentIdTag: z.string().nullable().describe('1.6 parentIdTag, 2.0.1 groupIdToken.idToken'),
  expiryDate: time,
  transactionId: z.number().int().nullable().describe('The transaction that used it (reservation.used)'),
  ocppVersion,
});

export const CATALOGUE = {
  'charger.booted': {
    version: 1,
    description: 'A charger sent BootNotification and was accepted (not sent while its registration is pending or rejected).',
    data: z.object({ vendor: z.string(), model: z.string(), serialNumber: z.string().nullable(), firmwareVersion: z.string().nullable(), ocppVersion }),
  },
  'charger.connected': {
    version: 1,
    description: 'A charger opened its WebSocket connection.',
    data: z.object({ nodeId: z.string() }),
  },
  'charger.disconnected': {
    version: 1,
    description: 'A charger connection closed, and no newer connection holds the charger. Code 1006 with reason "gateway node stopped responding": the gateway node holding it died.',
    data: z.object({ nodeId: z.string(), code: z.number().int(), reason: z.string() }),
  },
  'connector.status_changed': {
    version: 1,
    description: 'StatusNotification: connector 0 is the charger itself (1.6); a 2.0.1 connector is numbered within its EVSE (evseId), and its errorCode is NoError (2.0.1 reports faults with NotifyEvent).',
    data: z.object({
      evseId,
      connectorId: z.number().int(),
      status: z.string(),
      errorCode: z.string(),
      info: z.string().nullable(),
      vendorErrorCode: z.string().nullable(),
      timestamp: time,
      ocppVersion,
    }),
  },
  'authorization.decided': {
    version: 1,
    description: 'The gateway decided whether an id tag may charge (Authorize, StartTransaction, or an id token in a 2.0.1 TransactionEvent). For 2.0.1, idTag is idToken.idToken.',
    data: z.object({
      trigger: z.enum(['Authorize', 'StartTransaction', 'TransactionEvent']),
      idTag: z.string(),
      idTokenType: z.string().optional().describe('OCPP 2.0.1 idToken.type; absent for 1.6'),
      evseId,
      connectorId: z.number().int().nullable(),
      status: z.string(),
      source: z.enum(['default', 'native', 'webhook', 'cache', 'offline', 'ocpi']),
      reason: z.string(),
      roaming: z
        .object({ partnerId: z.string(), authorizationReference: z.string().optional().describe("the eMSP's reference, carried into the OCPI session and CDR") })
        .optional()
        .describe('OCPI: the roaming partner (eMSP) that decided'),
      ocppVersion,
    }),
  },
  'session.started': {
    version: 1,
    description:
      'A transaction was stored from StartTransaction or the first TransactionEvent of a 2.0.1 transaction (also when the tag was refused: see authorization.status; a 2.0.1 transaction started before any id token has idTag "" and status Pending).',
    data: z.object({
      ...transactionIds,
      connectorId: z.number().int(),
      idTag: z.string(),
      meterStart: z.number().int(),
      startTime: time,
      authorization,
      late: z.boolean(),
      providerSessionId: z.string().nullable(),
      roaming,
    }),
  },
  'session.meter_values': {
    version: 1,
    description: "MeterValues (or a 2.0.1 TransactionEvent's meter values) from a charger, attached to its transaction when it has one. From a 2.0.1 charger, connectorId is its evseId (2.0.1 meters an EVSE).",
    data: z.object({
      transactionId: z.number().int().nullable(),
      evseId,
      connectorId: z.number().int(),
      meterValue: z.array(z.object({ timestamp: time, sampledValue: z.array(z.record(z.string(), z.unknown())) })),
      ocppVersion,
    }),
  },
  'session.stopped': {
    version: 1,
    description: 'StopTransaction, or a 2.0.1 TransactionEvent Ended, closed a transaction.',
    data: z.object({
      ...transactionIds,
      connectorId: z.number().int(),
      idTag: z.string(),
      stopIdTag: z.string().nullable(),
      meterStart: z.number().int(),
      meterStop: z.number().int(),
      energyWh: z.number().int().nullable(),
      startTime: time,
      stopTime: time,
      reason: z.string().nullable(),
      authorizedOffline: z.boolean(),
      meterAnomaly: z.boolean(),
      providerSessionId: z.string().nullable(),
      roaming,
    }),
  },
  'charger.firmware_status': {
    version: 1,
    description: 'FirmwareStatusNotification.',
    data: z.object({ status: z.string(), requestId: z.number().int().optional().describe('OCPP 2.0.1: the UpdateFirmware request it reports on'), ocppVersion }),
  },
  'charger.diagnostics_status': {
    version: 1,
    description: 'DiagnosticsStatusNotification (1.6) or LogStatusNotification (2.0.1).',
    data: z.object({ status: z.string(), requestId: z.number().int().optional().describe('OCPP 2.0.1: the GetLog request it reports on'), ocppVersion }),
  },
  'charger.security_event': {
    version: 1,
    description: 'SecurityEventNotification (OCPP 2.0.1, and 1.6 with the security whitepaper): a security-related event at the charger, also listed at GET /api/chargers/{id}/security-events.',
    data: z.object({ type: z.string(), timestamp: time, techInfo: z.string().nullable(), ocppVersion }),
  },
  'localList.synced': {
    version: 1,
    description: "A charger confirmed its Local Authorization List (SendLocalList Accepted for every message): the list it decides from while cut off.",
    data: z.object({
      version: z.number().int().describe('The list version the charger now holds'),
      updateType: z.enum(['Full', 'Differential']),
      entries: z.number().int().describe('Entries the charger holds'),
      sent: z.number().int().describe('Entries sent (a Differential sends only changes; a removal is an entry without idTagInfo)'),
      messages: z.number().int().describe('SendLocalList messages (chunks of the charger maximum per message)'),
      ocppVersion,
    }),
  },
  'localList.failed': {
    version: 1,
    description: 'A charger could not be given its Local Authorization List: it has none (not_supported) or refused or did not answer (failed).',
    data: z.object({
      state: z.enum(['not_supported', 'failed']),
      answer: z.string().describe("The charger's answer: a status (Failed, VersionMismatch, NotSupported), an unknown configuration key or an error"),
      version: z.number().int().describe('The list version the charger confirmed last (0: none)'),
      ocppVersion,
    }),
  },
  'reservation.created': {
    version: 1,
    description: 'A charger accepted ReserveNow sent through the API (listed at GET /api/chargers/{id}/reservations). connectorId is a 2.0.1 EVSE id; 0: any connector.',
    data: reservation,
  },
  'reservation.used': {
    version: 1,
    description: 'A transaction started on a reservation (1.6 StartTransaction or 2.0.1 TransactionEvent with its reservationId) and ended it.',
    data: reservation,
  },
  'reservation.cancelled': {
    version: 1,
    description: 'A charger accepted CancelReservation, or a 2.0.1 charger reported the reservation Removed (ReservationStatusUpdate).',
    data: reservation,
  },
  'reservation.expired': {
    version: 1,
    description: 'A reservation passed its expiry unused (or a 2.0.1 charger reported it Expired first).',
    data: reservation,
  },
  'installation.changed': {
    version: 1,
    description: 'An installation was created, updated or deleted. Credentials are never included.',
    data: z.object({
      change: z.enum(['created', 'updated', 'deleted']),
      name: z.string(),
      authMode: z.enum(['native', 'webhook']),
      offlineAllow: z.boolean(),
    }),
  },
  'id_tag.changed': {
    version: 1,
    description: 'A native id tag was created, updated or deleted.',
    data: z.object({
      change: z.enum(['created', 'updated', 'deleted']),
      idTag: z.string(),
      status: z.string().nullable(),
      expiryDate: time.nullable(),
      parentIdTag: z.string().nullable(),
      type: z.string().nullable().optional().describe('The id-token type the tag is limited to; null: any'),
    }),
  },
  'subscription.test': {
    version: 1,
    description: 'Sent by POST /api/subscriptions/:id/test when no eventType is picked; with one, the test sends that event\'s example below (a new id each time, this installation, logged as mode test).',
    data: z.object({ subscriptionId: z.string(), message: z.string() }),
  },
} as const;

export type EventType = keyof typeof CATALOGUE;
export const EVENT_TYPES = Object.keys(CATALOGUE) as EventType[];
export type EventData<T extends EventType> = z.infer<(typeof CATALOGUE)[T]['data']>;

/** An envelope whose data the catalogue defines for its type. */
export type CatalogueEnvelope<T extends EventType = EventType> = Envelope<T, EventData<T>>;

export const envelopeSchema = z.object({
  id: z.uuid(),
  type: z.enum(EVENT_TYPES as [EventType, ...EventType[]]),
  occurredAt: time,
  version: z.number().int(),
  installationId: z.string(),
  chargerId: z.string().optional(),
  data: z.unknown(),
});
