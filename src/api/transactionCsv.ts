import type { WithEnergyNow } from '../ocpp/transactionEnergy.js';

type Column = [header: string, value: (t: WithEnergyNow) => string | number | boolean | null | undefined];

/** The sessions export, one row per transaction, in the words of the portal's Sessions table. */
export const TRANSACTION_CSV_COLUMNS: Column[] = [
  ['id', (t) => t.id],
  ['installation_id', (t) => t.installationId],
  ['charger_id', (t) => t.chargerId],
  ['connector_id', (t) => t.connectorId],
  ['ocpp_version', (t) => t.ocppVersion],
  ['charger_transaction_id', (t) => t.chargerTransactionId],
  ['id_tag', (t) => t.idTag],
  ['started_at', (t) => t.startTime],
  ['stopped_at', (t) => t.stop?.time],
  ['status', (t) => (t.active ? 'charging' : 'stopped')],
  ['meter_start_wh', (t) => t.meterStart],
  ['meter_stop_wh', (t) => t.stop?.meterStop],
  ['energy_wh', (t) => t.energyWh ?? t.energyNowWh],
  ['stop_reason', (t) => t.stop?.reason],
  ['authorization_status', (t) => t.authorization.status],
  ['authorization_source', (t) => t.authorization.source],
  ['authorized_offline', (t) => t.authorizedOffline],
];

/**
 * RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled. A field that a
 * spreadsheet would run as a formula (=, +, -, @ first) gets a leading apostrophe: id tags come
 * from chargers, and a CSV opened in a spreadsheet must not execute what a charger sent.
 */
function field(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv<T>(columns: [string, (row: T) => string | number | boolean | null | undefined][], rows: T[]): string {
  const lines = [columns.map(([header]) => header).join(',')];
  for (const row of rows) lines.push(columns.map(([, value]) => field(value(row))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
