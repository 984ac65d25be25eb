// Payloads a charge point sends, and the confs it expects back (OCPP 1.6J).
// Builders are pure so the floor server and tests can reuse them.

export interface IdTagInfo {
  status: 'Accepted' | 'Blocked' | 'Expired' | 'Invalid' | 'ConcurrentTx' | string;
  expiryDate?: string;
  parentIdTag?: string;
}

export interface BootNotificationConf {
  status: 'Accepted' | 'Pending' | 'Rejected' | string;
  currentTime: string;
  interval: number;
}

export interface HeartbeatConf {
  currentTime: string;
}

export interface AuthorizeConf {
  idTagInfo: IdTagInfo;
}

export interface StartTransactionConf {
  transactionId: number;
  idTagInfo: IdTagInfo;
}

export interface StopTransactionConf {
  idTagInfo?: IdTagInfo;
}

export interface StartTransactionInput {
  connectorId: number;
  idTag: string;
  meterStart: number;
  timestamp?: string;
  reservationId?: number;
}

export interface MeterValuesInput {
  connectorId: number;
  transactionId: number;
  valueWh: number;
  timestamp?: string;
}

export interface StopTransactionInput {
  transactionId: number;
  meterStop: number;
  idTag?: string;
  reason?: string;
  timestamp?: string;
  transactionData?: unknown[];
}

// The schema caps chargePointSerialNumber at 25 characters; a strict central
// system would reject the boot of a charger with a longer id otherwise.
const SERIAL_MAX = 25;

export function bootNotification(id: string, extra: object = {}): object {
  return {
    chargePointVendor: 'Sim',
    chargePointModel: 'SimCharger-1',
    chargePointSerialNumber: id.slice(0, SERIAL_MAX),
    firmwareVersion: '1.0.0',
    ...extra,
  };
}

export function statusNotification(connectorId: number, status: string, errorCode: string): object {
  return { connectorId, status, errorCode, timestamp: now() };
}

export function startTransaction(input: StartTransactionInput): object {
  const { connectorId, idTag, meterStart, timestamp = now(), reservationId } = input;
  return { connectorId, idTag, meterStart, timestamp, ...(reservationId !== undefined && { reservationId }) };
}

export function meterValues(input: MeterValuesInput): object {
  const { connectorId, transactionId, valueWh, timestamp = now() } = input;
  return {
    connectorId,
    transactionId,
    meterValue: [
      {
        timestamp,
        sampledValue: [
          {
            value: String(valueWh),
            context: 'Sample.Periodic',
            measurand: 'Energy.Active.Import.Register',
            unit: 'Wh',
          },
        ],
      },
    ],
  };
}

export function stopTransaction(input: StopTransactionInput): object {
  const { timestamp = now(), ...rest } = input;
  // Optional fields are left out rather than sent as undefined/null, which the schema forbids.
  return Object.fromEntries(Object.entries({ ...rest, timestamp }).filter(([, v]) => v !== undefined));
}

/**
 * The status a conf reports, for counting replies: `status` (BootNotification,
 * most remote commands), `idTagInfo.status` (Authorize, Start/StopTransaction),
 * `idTokenInfo.status` (2.0.1 Authorize, TransactionEvent), or `OK` for confs
 * without one (Heartbeat, StatusNotification, MeterValues).
 */
export function statusOf(conf: unknown): string {
  if (conf && typeof conf === 'object') {
    const c = conf as { status?: unknown; idTagInfo?: { status?: unknown }; idTokenInfo?: { status?: unknown } };
    if (typeof c.status === 'string') return c.status;
    if (typeof c.idTagInfo?.status === 'string') return c.idTagInfo.status;
    if (typeof c.idTokenInfo?.status === 'string') return c.idTokenInfo.status;
  }
  return 'OK';
}

function now(): string {
  return new Date().toISOString();
}
