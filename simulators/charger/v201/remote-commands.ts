// What a simulated OCPP 2.0.1 charging station answers the CSMS, one function per action.
// Answers that start work (a transaction, a report, a triggered message) schedule it with
// `after`, so the answer is on the wire first, as the spec orders it.

import type { SimCharger } from '../charger.js';
import { statusOnlyCommands, type RemoteCommandHandler } from '../remote-commands.js';
import { energyReading } from './messages.js';
import { endTransaction, startTransaction } from './session.js';

type Handler = RemoteCommandHandler<SimCharger>;

// A real station's ItemsPerMessage for GetReport/GetBaseReport; small so reports span several messages.
const REPORT_ITEMS_PER_MESSAGE = 10;

const requestStart: Handler = (p, charger, after) => {
  const evseId = Number.isInteger(p.evseId) ? p.evseId : 1;
  if ([...charger.transactions.values()].some((tx) => tx.evse.id === evseId)) return { status: 'Rejected' };
  const tx = charger.openTransaction(evseId, p.remoteStartId);
  after(() => startTransaction(charger, tx, 'RemoteStart', p.idToken));
  return { status: 'Accepted' };
};

const requestStop: Handler = (p, charger, after) => {
  const tx = charger.transactions.get(p.transactionId);
  if (!tx) return { status: 'Rejected' };
  after(() => endTransaction(charger, tx, 'RemoteStop', 'Remote'));
  return { status: 'Accepted' };
};

const REPORT_BASES: Record<string, (v: { mutability: string; name: string }) => boolean> = {
  FullInventory: () => true,
  ConfigurationInventory: (v) => v.mutability !== 'ReadOnly',
  SummaryInventory: (v) => v.name === 'AvailabilityState',
};

/** Sends `items` as NotifyReport parts after the answer, as B07/B08 order it; the answer's status. */
function reportInParts(charger: SimCharger, requestId: number, items: object[], after: Parameters<Handler>[2]): { status: string } {
  if (items.length === 0) return { status: 'EmptyResultSet' };
  after(async () => {
    const generatedAt = new Date().toISOString();
    for (let seqNo = 0; seqNo * REPORT_ITEMS_PER_MESSAGE < items.length; seqNo++) {
      const reportData = items.slice(seqNo * REPORT_ITEMS_PER_MESSAGE, (seqNo + 1) * REPORT_ITEMS_PER_MESSAGE);
      const tbc = (seqNo + 1) * REPORT_ITEMS_PER_MESSAGE < items.length;
      await charger.call('NotifyReport', { requestId, generatedAt, seqNo, tbc, reportData });
    }
  });
  return { status: 'Accepted' };
}

const getBaseReport: Handler = (p, charger, after) => {
  const only = REPORT_BASES[p.reportBase];
  if (!only) return { status: 'NotSupported' };
  return reportInParts(charger, p.requestId, charger.deviceModel.report(only), after);
};

/** B08 GetReport by componentVariable (a component, optionally one of its variables); criteria are not kept apart. */
const getReport: Handler = (p, charger, after) => {
  const wanted: { component: { name: string }; variable?: { name: string } }[] = p.componentVariable ?? [];
  const only = (v: { name: string; component: { name: string } }) =>
    wanted.length === 0 || wanted.some((w) => w.component.name === v.component.name && (!w.variable || w.variable.name === v.name));
  return reportInParts(charger, p.requestId, charger.deviceModel.report(only), after);
};

const LIST_CTRLR = { name: 'LocalAuthListCtrlr' };

/** D01: a station whose list is not enabled cannot take one. */
const sendLocalList: Handler = (p, charger) => {
  if (charger.deviceModel.value(LIST_CTRLR, 'Enabled') !== 'true') return { status: 'Failed' };
  const items = (p.localAuthorizationList ?? []).map((e: any) => ({
    idTag: e.idToken.idToken,
    ...(e.idTokenInfo && { info: { status: e.idTokenInfo.status, ...(e.idTokenInfo.cacheExpiryDateTime && { expiryDate: e.idTokenInfo.cacheExpiryDateTime }) } }),
  }));
  const perMessage = Number(charger.deviceModel.value(LIST_CTRLR, 'ItemsPerMessage') ?? charger.localList.limits.perMessage);
  const status = charger.localList.apply(p.updateType, p.versionNumber, items, { ...charger.localList.limits, perMessage });
  charger.deviceModel.set({ component: LIST_CTRLR, variable: { name: 'Entries' }, attributeValue: String(charger.localList.entries.size) });
  return { status };
};

type Trigger = (charger: SimCharger, evseId: number | undefined) => Promise<unknown>;

const evseIds = (charger: SimCharger, evseId: number | undefined) =>
  evseId ? [evseId] : Array.from({ length: charger.connectors }, (_, i) => i + 1);

const openOn = (charger: SimCharger, evseId: number | undefined) =>
  [...charger.transactions.values()].filter((tx) => evseId === undefined || tx.evse.id === evseId);

const TRIGGERS: Record<string, Trigger> = {
  BootNotification: (c) => c.boot({ reason: 'Triggered' }),
  Heartbeat: (c) => c.heartbeat(),
  StatusNotification: async (c, evseId) => {
    for (const id of evseIds(c, evseId)) await c.status(id, openOn(c, id).length > 0 ? 'Occupied' : 'Available');
  },
  MeterValues: (c, evseId) => c.call('MeterValues', { evseId: evseId ?? 1, meterValue: energyReading(c.meterWh, 'Trigger') }),
  TransactionEvent: async (c, evseId) => {
    for (const tx of openOn(c, evseId)) await c.transactionEvent(tx.event('Updated', 'Trigger', { meterWh: c.meterWh, context: 'Trigger' }));
  },
  FirmwareStatusNotification: (c) => c.call('FirmwareStatusNotification', { status: 'Idle' }),
  LogStatusNotification: (c) => c.call('LogStatusNotification', { status: 'Idle' }),
  SignChargingStationCertificate: (c) => c.call('SignCertificate', { csr: c.security.csr, certificateType: 'ChargingStationCertificate' }),
};

const triggerMessage: Handler = (p, charger, after) => {
  const trigger = TRIGGERS[p.requestedMessage];
  if (!trigger) return { status: 'NotImplemented' };
  const evseId: number | undefined = p.evse?.id;
  // Nothing to report without an ongoing transaction.
  if (p.requestedMessage === 'TransactionEvent' && openOn(charger, evseId).length === 0) return { status: 'Rejected' };
  if (p.requestedMessage === 'SignChargingStationCertificate' && !charger.security.csr) return { status: 'Rejected' };
  after(() => trigger(charger, evseId));
  return { status: 'Accepted' };
};

/** E14: whether the transaction is still open here; nothing is ever queued (the simulator sends at once). */
const getTransactionStatus: Handler = (p, charger) => {
  const tx = p.transactionId === undefined ? undefined : charger.transactions.get(p.transactionId);
  return { messagesInQueue: false, ...(p.transactionId !== undefined && { ongoingIndicator: !!tx && !tx.ended }) };
};

/** N09/N10: nothing is known of any customer; the (empty) report follows. */
const customerInformation: Handler = (p, charger, after) => {
  if (p.report) after(() => charger.call('NotifyCustomerInformation', { data: '', seqNo: 0, generatedAt: new Date().toISOString(), requestId: p.requestId, tbc: false }));
  return { status: 'Accepted' };
};

export const v201RemoteCommands: ReadonlyMap<string, Handler> = new Map<string, Handler>([
  ...statusOnlyCommands,
  ['RequestStartTransaction', requestStart],
  ['RequestStopTransaction', requestStop],
  ['GetVariables', (p, charger) => ({ getVariableResult: p.getVariableData.map((d: any) => charger.deviceModel.get(d)) })],
  ['SetVariables', (p, charger) => ({ setVariableResult: p.setVariableData.map((d: any) => charger.deviceModel.set(d)) })],
  ['GetBaseReport', getBaseReport],
  ['GetReport', getReport],
  ['TriggerMessage', triggerMessage],
  ['GetLocalListVersion', (_p, charger) => ({ versionNumber: charger.localList.version })],
  ['SendLocalList', sendLocalList],
  ['GetTransactionStatus', getTransactionStatus],
  ['CustomerInformation', customerInformation],
]);
