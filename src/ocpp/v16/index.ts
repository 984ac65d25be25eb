import type { Handler } from '../context.js';
import { authorize } from './authorize.js';
import { bootNotification } from './bootNotification.js';
import { dataTransfer } from './dataTransfer.js';
import { diagnosticsStatusNotification } from './diagnosticsStatusNotification.js';
import { firmwareStatusNotification } from './firmwareStatusNotification.js';
import { heartbeat } from './heartbeat.js';
import { logStatusNotification } from './logStatusNotification.js';
import { meterValues } from './meterValues.js';
import { securityEventNotification } from './securityEventNotification.js';
import { signCertificate } from './signCertificate.js';
import { signedFirmwareStatusNotification } from './signedFirmwareStatusNotification.js';
import { startTransaction } from './startTransaction.js';
import { statusNotification } from './statusNotification.js';
import { stopTransaction } from './stopTransaction.js';

/** Every action a 1.6 charger may send us (with the security whitepaper's messages); anything else is answered NotImplemented (src/ocpp/rpc/inbound.ts). */
export const handlers: Record<string, Handler> = {
  Authorize: authorize,
  BootNotification: bootNotification,
  DataTransfer: dataTransfer,
  DiagnosticsStatusNotification: diagnosticsStatusNotification,
  FirmwareStatusNotification: firmwareStatusNotification,
  Heartbeat: heartbeat,
  LogStatusNotification: logStatusNotification,
  MeterValues: meterValues,
  SecurityEventNotification: securityEventNotification,
  SignCertificate: signCertificate,
  SignedFirmwareStatusNotification: signedFirmwareStatusNotification,
  StartTransaction: startTransaction,
  StatusNotification: statusNotification,
  StopTransaction: stopTransaction,
};
