import type { Handler } from '../context.js';
import { authorize } from './authorize.js';
import { bootNotification } from './bootNotification.js';
import { dataTransfer } from './dataTransfer.js';
import { firmwareStatusNotification } from './firmwareStatusNotification.js';
import { heartbeat } from './heartbeat.js';
import { logStatusNotification } from './logStatusNotification.js';
import { meterValues } from './meterValues.js';
import { notifyEvent } from './notifyEvent.js';
import { notifyReport } from './notifyReport.js';
import { notifyCustomerInformation, notifyDisplayMessages, notifyMonitoringReport } from './reportNotifications.js';
import { reportChargingProfiles } from './reportChargingProfiles.js';
import { reservationStatusUpdate } from './reservationStatusUpdate.js';
import { securityEventNotification } from './securityEventNotification.js';
import { signCertificate } from './signCertificate.js';
import { statusNotification } from './statusNotification.js';
import { transactionEvent } from './transactionEvent.js';

/**
 * Every action a 2.0.1 (or 2.1) charger may send us; anything else is answered NotImplemented
 * (src/ocpp/rpc/inbound.ts). One line per action.
 */
export const handlers: Record<string, Handler> = {
  Authorize: authorize,
  BootNotification: bootNotification,
  DataTransfer: dataTransfer,
  FirmwareStatusNotification: firmwareStatusNotification,
  Heartbeat: heartbeat,
  LogStatusNotification: logStatusNotification,
  MeterValues: meterValues,
  NotifyCustomerInformation: notifyCustomerInformation,
  NotifyDisplayMessages: notifyDisplayMessages,
  NotifyEvent: notifyEvent,
  NotifyMonitoringReport: notifyMonitoringReport,
  NotifyReport: notifyReport,
  ReportChargingProfiles: reportChargingProfiles,
  ReservationStatusUpdate: reservationStatusUpdate,
  SecurityEventNotification: securityEventNotification,
  SignCertificate: signCertificate,
  StatusNotification: statusNotification,
  TransactionEvent: transactionEvent,
};
