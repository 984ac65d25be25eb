import type { InstallationLocation } from '../store/locations.js';
import type { Transaction } from '../store/transactions.js';
import type { OwnParty } from './party.js';
import { placeFields } from './locations.js';

/** What a CDR push carries in the outbox: the CDR is built when it is sent, from the stopped transaction. */
export interface CdrPush {
  kind: 'cdr';
  /** The outbox's queue key: a CDR waiting for its installation's location never holds up the charger's Sessions. */
  chargerId: string;
  partnerId: string;
  transactionId: number;
  currency: string;
}

export const cdrPush = (tx: Transaction, currency: string): CdrPush => ({
  kind: 'cdr',
  chargerId: `cdr:${tx.chargerId}`,
  partnerId: tx.roaming!.partnerId,
  transactionId: tx.id,
  currency,
});

const round = (n: number, decimals: number) => Math.round(n * 10 ** decimals) / 10 ** decimals;

/** An eMI3 EVSE ID (OCPI's evse_id): country*operator*E followed by the charger id's letters and digits. */
export const emi3EvseId = (party: OwnParty, chargerId: string) => `${party.countryCode}*${party.partyId}*E${chargerId.replace(/[^A-Za-z0-9*]/g, '').slice(0, 30)}`;

/**
 * OCPI 2.2.1 CDR (§10.4.1) of a stopped, roaming-authorized transaction at a located installation.
 * One charging period; the cost from the location's energy price (excl. VAT per kWh), 0 without one.
 */
export function cdrObject(party: OwnParty, tx: Transaction, where: InstallationLocation, currency: string) {
  const stop = tx.stop!;
  const kwh = round((tx.energyWh ?? 0) / 1000, 4);
  const hours = round(Math.max(0, Date.parse(stop.time) - Date.parse(tx.startTime)) / 3_600_000, 4);
  const energyCost = round(kwh * (where.energyPrice ?? 0), 4);
  const price = (exclVat: number) => ({ excl_vat: exclVat, ...(where.vatPercent !== undefined && { incl_vat: round(exclVat * (1 + where.vatPercent / 100), 4) }) });
  const roaming = tx.roaming!;
  return {
    country_code: party.countryCode,
    party_id: party.partyId,
    id: `${tx.id}`,
    start_date_time: tx.startTime,
    end_date_time: stop.time,
    session_id: String(tx.id),
    cdr_token: roaming.token,
    auth_method: roaming.authMethod ?? 'AUTH_REQUEST',
    ...(roaming.authorizationReference && { authorization_reference: roaming.authorizationReference }),
    cdr_location: {
      id: tx.installationId,
      ...(where.name && { name: where.name }),
      ...placeFields(where),
      evse_uid: tx.chargerId,
      evse_id: emi3EvseId(party, tx.chargerId),
      connector_id: String(tx.connectorId),
      connector_standard: where.connector.standard,
      connector_format: where.connector.format,
      connector_power_type: where.connector.powerType,
    },
    currency,
    charging_periods: [
      {
        start_date_time: tx.startTime,
        dimensions: [
          { type: 'ENERGY', volume: kwh },
          { type: 'TIME', volume: hours },
        ],
      },
    ],
    total_cost: price(energyCost),
    total_energy_cost: price(energyCost),
    total_energy: kwh,
    total_time: hours,
    last_updated: stop.receivedAt,
  };
}
