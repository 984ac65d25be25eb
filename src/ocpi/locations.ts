import type { InstallationLocation, LocatedInstallation } from '../store/locations.js';
import type { OwnParty } from './party.js';

/** OCPI 2.2.1 ConnectorType (§8.4.4), ConnectorFormat (§8.4.3) and PowerType (§8.4.24). */
export const CONNECTOR_STANDARDS = [
  'CHADEMO', 'CHAOJI', 'DOMESTIC_A', 'DOMESTIC_B', 'DOMESTIC_C', 'DOMESTIC_D', 'DOMESTIC_E', 'DOMESTIC_F', 'DOMESTIC_G', 'DOMESTIC_H', 'DOMESTIC_I',
  'DOMESTIC_J', 'DOMESTIC_K', 'DOMESTIC_L', 'DOMESTIC_M', 'DOMESTIC_N', 'DOMESTIC_O', 'GBT_AC', 'GBT_DC', 'IEC_60309_2_single_16', 'IEC_60309_2_three_16',
  'IEC_60309_2_three_32', 'IEC_60309_2_three_64', 'IEC_62196_T1', 'IEC_62196_T1_COMBO', 'IEC_62196_T2', 'IEC_62196_T2_COMBO', 'IEC_62196_T3A', 'IEC_62196_T3C',
  'NEMA_5_20', 'NEMA_6_30', 'NEMA_6_50', 'NEMA_10_30', 'NEMA_10_50', 'NEMA_14_30', 'NEMA_14_50', 'PANTOGRAPH_BOTTOM_UP', 'PANTOGRAPH_TOP_DOWN', 'TESLA_R', 'TESLA_S',
] as const;
export const CONNECTOR_FORMATS = ['SOCKET', 'CABLE'] as const;
export const POWER_TYPES = ['AC_1_PHASE', 'AC_2_PHASE', 'AC_2_PHASE_SPLIT', 'AC_3_PHASE', 'DC'] as const;

export { isPublished } from '../store/locations.js';

/** OCPP connector status (1.6 ChargePointStatus, 2.0.1 ConnectorStatusEnumType) as an OCPI EVSE Status (§8.4.22). */
const STATUS: Record<string, string> = {
  Available: 'AVAILABLE',
  Preparing: 'CHARGING',
  Charging: 'CHARGING',
  SuspendedEV: 'CHARGING',
  SuspendedEVSE: 'CHARGING',
  Finishing: 'CHARGING',
  Occupied: 'CHARGING',
  Reserved: 'RESERVED',
  Unavailable: 'INOPERATIVE',
  Faulted: 'OUTOFORDER',
};

/** The worst first: one connector in use makes the EVSE CHARGING, one out of order outweighs an available one. */
const PRECEDENCE = ['CHARGING', 'RESERVED', 'AVAILABLE', 'OUTOFORDER', 'INOPERATIVE', 'UNKNOWN'];

type Charger = LocatedInstallation['chargers'][number];

/** A charger is one EVSE (its uid the charger id, as sessions and LocationReferences name it); an offline one is UNKNOWN. */
function evseStatus(charger: Charger, plugs: Charger['connectors']): string {
  if (!charger.online) return 'UNKNOWN';
  const statuses = plugs.map((c) => STATUS[c.status] ?? 'UNKNOWN');
  return PRECEDENCE.find((s) => statuses.includes(s)) ?? 'UNKNOWN';
}

/** Where it is, as a Location and a CDR's cdr_location both write it. */
export const placeFields = (where: InstallationLocation) => ({
  address: where.address,
  city: where.city,
  ...(where.postalCode && { postal_code: where.postalCode }),
  ...(where.state && { state: where.state }),
  country: where.country,
  coordinates: { latitude: where.latitude, longitude: where.longitude },
});

const latest = (times: string[]) => times.reduce((a, b) => (b > a ? b : a));

/**
 * Connector ids as sessions name them: a 1.6 connector by its number, a 2.0.1 one by its EVSE's
 * (a 2.0.1 transaction names the EVSE); each id once, with its latest change.
 */
function connectorIds(plugs: Charger['connectors']): [string, string][] {
  const ids = new Map<string, string>();
  for (const c of plugs) {
    const id = String(c.evseId > 0 ? c.evseId : c.connectorId);
    ids.set(id, latest([ids.get(id) ?? c.updatedAt, c.updatedAt]));
  }
  return [...ids];
}

/** OCPI 2.2.1 Location (§8.3.1) of an installation, its chargers as EVSEs and their connectors. */
export function locationObject(party: OwnParty, site: LocatedInstallation) {
  const { location: where } = site;
  const kind = where.connector;
  const evses = site.chargers.map((charger) => {
    // Connector 0 of a 1.6 charger is the charger itself; one that reported nothing yet still has its connector 1.
    const plugs = charger.connectors.filter((c) => c.connectorId > 0);
    const shown = plugs.length ? plugs : [{ evseId: 0, connectorId: 1, status: 'Unknown', updatedAt: charger.createdAt }];
    const updated = latest([charger.createdAt, ...charger.connectors.map((c) => c.updatedAt)]);
    return {
      uid: charger.id,
      status: evseStatus(charger, plugs),
      connectors: connectorIds(shown).map(([id, at]) => ({
        id,
        standard: kind.standard,
        format: kind.format,
        power_type: kind.powerType,
        max_voltage: kind.maxVoltage,
        max_amperage: kind.maxAmperage,
        ...(kind.maxElectricPower !== undefined && { max_electric_power: kind.maxElectricPower }),
        last_updated: at,
      })),
      last_updated: updated,
    };
  });
  return {
    country_code: party.countryCode,
    party_id: party.partyId,
    id: site.id,
    publish: true,
    name: where.name ?? site.name,
    ...placeFields(where),
    evses,
    time_zone: where.timeZone,
    last_updated: latest([where.updatedAt, ...evses.map((e) => e.last_updated)]),
  };
}

export type OcpiLocation = ReturnType<typeof locationObject>;
