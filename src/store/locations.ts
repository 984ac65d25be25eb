import type { Db } from './db.js';

/** The kind of connector an installation's chargers have (OCPI needs it; OCPP does not say). */
export interface ConnectorKind {
  standard: string;
  format: 'SOCKET' | 'CABLE';
  powerType: string;
  maxVoltage: number;
  maxAmperage: number;
  maxElectricPower?: number;
}

/** Where an installation is, as roaming partners see it (installations.location). */
export interface InstallationLocation {
  name?: string;
  address: string;
  city: string;
  postalCode?: string;
  state?: string;
  /** ISO 3166-1 alpha-3. */
  country: string;
  /** Decimal degrees as OCPI writes them, e.g. "52.37403". */
  latitude: string;
  longitude: string;
  /** IANA, e.g. Europe/Amsterdam. */
  timeZone: string;
  connector: ConnectorKind;
  /** Price of a kWh excluding VAT, in the gateway's OCPI currency, for roaming CDRs; none: 0. */
  energyPrice?: number;
  /** VAT on it; none: CDRs carry prices without VAT only. */
  vatPercent?: number;
  /** When the location itself last changed. */
  updatedAt: string;
}

/** An installation that has a location, with what roaming partners are shown of its chargers. */
export interface LocatedInstallation {
  id: string;
  name: string;
  sources: string[] | null;
  location: InstallationLocation;
  /** When the installation last changed (its name, its sources, its location…). */
  updatedAt: string;
  chargers: {
    id: string;
    online: boolean;
    createdAt: string;
    connectors: { evseId: number; connectorId: number; status: string; updatedAt: string }[];
  }[];
}

/** Roaming partners see an installation that has a location and takes their tokens. */
export const isPublished = (site: { location: unknown; sources: string[] | null }) => !!site.location && !!site.sources?.includes('ocpi');

/** Installations' locations (installations.location) and what OCPI Locations are built from. */
export function locationStore(db: Db) {
  return {
    /** undefined: no such installation; null: it has no location. */
    async get(installationId: string): Promise<InstallationLocation | null | undefined> {
      const row = await db.selectFrom('installations').select('location').where('id', '=', installationId).executeTakeFirst();
      if (!row) return undefined;
      return row.location ? (JSON.parse(row.location) as InstallationLocation) : null;
    },

    /** Whether roaming partners see the installation (a location, and OCPI among its sources): one read. */
    async published(installationId: string): Promise<boolean> {
      const row = await db.selectFrom('installations').select(['location', 'auth_sources']).where('id', '=', installationId).executeTakeFirst();
      return !!row && isPublished({ location: row.location, sources: row.auth_sources ? (JSON.parse(row.auth_sources) as string[]) : null });
    },

    async set(installationId: string, location: Omit<InstallationLocation, 'updatedAt'> | null): Promise<InstallationLocation | null> {
      const now = new Date().toISOString();
      const stored = location && { ...location, updatedAt: now };
      await db
        .updateTable('installations')
        .set({ location: stored ? JSON.stringify(stored) : null, updated_at: now })
        .where('id', '=', installationId)
        .execute();
      return stored;
    },

    /** Every installation with a location (or only `installationId`'s), its chargers and their connectors, in a stable order (by id). */
    async located(installationId?: string): Promise<LocatedInstallation[]> {
      let q = db.selectFrom('installations').select(['id', 'name', 'auth_sources', 'location', 'updated_at']).where('location', 'is not', null);
      if (installationId !== undefined) q = q.where('id', '=', installationId);
      const sites = await q.orderBy('id').execute();
      if (sites.length === 0) return [];
      const ids = sites.map((s) => s.id);
      const chargers = await db.selectFrom('chargers').select(['id', 'installation_id', 'online', 'created_at']).where('installation_id', 'in', ids).orderBy('id').execute();
      // By installation, not by charger id: a list of every charger id would pass the engines' parameter limits.
      const connectors = chargers.length
        ? await db
            .selectFrom('connectors')
            .innerJoin('chargers', 'chargers.id', 'connectors.charger_id')
            .select(['connectors.charger_id', 'connectors.evse_id', 'connectors.connector_id', 'connectors.status', 'connectors.updated_at'])
            .where('chargers.installation_id', 'in', ids)
            .orderBy('connectors.charger_id')
            .orderBy('connectors.evse_id')
            .orderBy('connectors.connector_id')
            .execute()
        : [];
      const byCharger = groupBy(connectors, (c) => c.charger_id);
      const bySite = groupBy(chargers, (c) => c.installation_id);
      return sites.map((s) => ({
        id: s.id,
        name: s.name,
        sources: s.auth_sources ? (JSON.parse(s.auth_sources) as string[]) : null,
        location: JSON.parse(s.location!) as InstallationLocation,
        updatedAt: s.updated_at,
        chargers: (bySite.get(s.id) ?? []).map((c) => ({
          id: c.id,
          online: c.online === 1,
          createdAt: c.created_at,
          connectors: (byCharger.get(c.id) ?? []).map((k) => ({ evseId: k.evse_id, connectorId: k.connector_id, status: k.status, updatedAt: k.updated_at })),
        })),
      }));
    },
  };
}

// Map.groupBy arrived in Node 21.
function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
