// Payloads a charging station sends in OCPP 2.0.1 (also valid 2.1), and the answers it reads.
// Shapes follow the OCA JSON schemas; builders are pure so tests can reuse them.

export interface IdToken {
  idToken: string;
  /** IdTokenEnumType in 2.0.1 (ISO14443, eMAID, Central, ...); any string of up to 20 in 2.1. */
  type: string;
}

export interface IdTokenInfo {
  status: string;
  cacheExpiryDateTime?: string;
  groupIdToken?: IdToken;
  [field: string]: unknown;
}

export interface AuthorizeResponse {
  idTokenInfo: IdTokenInfo;
  [field: string]: unknown;
}

export interface TransactionEventResponse {
  idTokenInfo?: IdTokenInfo;
  [field: string]: unknown;
}

export type TransactionEventType = 'Started' | 'Updated' | 'Ended';

/** What a TransactionEventRequest carries; built by Transaction, sent by SimCharger.transactionEvent. */
export interface TransactionEventRequest {
  eventType: TransactionEventType;
  timestamp: string;
  triggerReason: string;
  seqNo: number;
  offline?: boolean;
  transactionInfo: {
    transactionId: string;
    chargingState?: string;
    stoppedReason?: string;
    remoteStartId?: number;
  };
  evse?: { id: number; connectorId?: number };
  idToken?: IdToken;
  meterValue?: MeterValue[];
  reservationId?: number;
}

export interface MeterValue {
  timestamp: string;
  sampledValue: { value: number; context?: string; measurand?: string; unitOfMeasure?: { unit: string } }[];
}

// ChargingStationType caps serialNumber at 25 characters (model at 20, vendorName at 50).
const SERIAL_MAX = 25;

/** What the station says it is, in BootNotification and in its device model. */
export function stationIdentity(id: string) {
  return { model: 'SimCharger-1', vendorName: 'Sim', serialNumber: id.slice(0, SERIAL_MAX), firmwareVersion: '1.0.0' };
}

export function bootNotification(id: string, extra: object = {}): object {
  return { reason: 'PowerUp', chargingStation: stationIdentity(id), ...extra };
}

/** connectorStatus is Available, Occupied, Reserved, Unavailable or Faulted. */
export function statusNotification(evseId: number, connectorId: number, connectorStatus: string): object {
  return { timestamp: now(), connectorStatus, evseId, connectorId };
}

/** One reading of the energy register, in Wh, with the reading context the spec asks for at that point. */
export function energyReading(valueWh: number, context: string, timestamp = now()): MeterValue[] {
  return [
    {
      timestamp,
      sampledValue: [{ value: valueWh, context, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'Wh' } }],
    },
  ];
}

export function now(): string {
  return new Date().toISOString();
}
