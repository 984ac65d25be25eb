import type { Db } from './db.js';
import type { ChargerTable, ConnectorTable } from './schema.js';
import { compiledOnce, slot } from './compiled.js';

export interface Connector {
  /** The OCPP 2.0.1 EVSE the connector belongs to; null for a 1.6 connector (1.6 has no EVSEs). */
  evseId: number | null;
  connectorId: number;
  status: string;
  errorCode: string;
  info: string | null;
  vendorErrorCode: string | null;
  statusAt: string | null;
  updatedAt: string;
}

/** How the charger's BootNotification is answered (OCPP RegistrationStatus): only an accepted charger is served. */
export const REGISTRATIONS = ['accepted', 'pending', 'rejected'] as const;
export type Registration = (typeof REGISTRATIONS)[number];

export interface Charger {
  id: string;
  installationId: string;
  online: boolean;
  /** The gateway node holding the charger's connection (several nodes on one PostgreSQL). */
  nodeId: string | null;
  lastSeen: string | null;
  /** The OCPP version ('1.6', '2.0.1', '2.1') of the current or last connection; null before the first. */
  ocppVersion: string | null;
  boot: {
    vendor: string | null;
    model: string | null;
    serialNumber: string | null;
    firmwareVersion: string | null;
    bootedAt: string | null;
    details: Record<string, unknown> | null;
  };
  /** Overrides the installation's security profile when set. */
  securityProfile: number | null;
  /** Whether a Basic-auth password is set (profiles 1 and 2); never the password or its hash. */
  passwordSetAt: string | null;
  /** What the charger answered when the installation's offline setting was pushed. */
  offlineConfig: Record<string, unknown> | null;
  firmwareStatus: { status: string; at: string } | null;
  diagnosticsStatus: { status: string; at: string } | null;
  /** What a 2.0.1 charger reported of itself in NotifyReport; null until it sent one. */
  deviceModel: DeviceModel | null;
  registration: Registration;
  createdAt: string;
}

/** The basics of an OCPP 2.0.1 device model, as the charger reported them (NotifyReport). */
export interface DeviceModel {
  vendor: string | null;
  model: string | null;
  serialNumber: string | null;
  firmwareVersion: string | null;
  evses: { id: number; connectors: { id: number; type: string | null }[] }[];
  /** The report these came from (its requestId and generatedAt). */
  requestId: number;
  generatedAt: string;
}

/** A charger as a new connection finds it. */
export interface OnlineBefore {
  /** The node that held it (null: none). */
  holder: string | null;
  bootedAt: string | null;
  offlineConfig: Charger['offlineConfig'];
}

export interface BootInfo {
  vendor: string;
  model: string;
  serialNumber: string | null;
  firmwareVersion: string | null;
  details: Record<string, unknown>;
}

function toCharger(row: ChargerTable): Charger {
  return {
    id: row.id,
    installationId: row.installation_id,
    online: row.online === 1,
    nodeId: row.node_id,
    lastSeen: row.last_seen,
    ocppVersion: row.ocpp_version,
    boot: {
      vendor: row.vendor,
      model: row.model,
      serialNumber: row.serial_number,
      firmwareVersion: row.firmware_version,
      bootedAt: row.booted_at,
      details: row.boot_info ? JSON.parse(row.boot_info) : null,
    },
    securityProfile: row.security_profile,
    passwordSetAt: row.password_set_at,
    offlineConfig: row.offline_config ? JSON.parse(row.offline_config) : null,
    firmwareStatus: row.firmware_status ? { status: row.firmware_status, at: row.firmware_status_at as string } : null,
    diagnosticsStatus: row.diagnostics_status
      ? { status: row.diagnostics_status, at: row.diagnostics_status_at as string }
      : null,
    deviceModel: row.device_model ? JSON.parse(row.device_model) : null,
    registration: row.registration as Registration,
    createdAt: row.created_at,
  };
}

function toConnector(row: ConnectorTable): Connector {
  return {
    evseId: row.evse_id === 0 ? null : row.evse_id,
    connectorId: row.connector_id,
    status: row.status,
    errorCode: row.error_code,
    info: row.info,
    vendorErrorCode: row.vendor_error_code,
    statusAt: row.status_at,
    updatedAt: row.updated_at,
  };
}

/**
 * The charger path's own queries (a connect, a boot, every StatusNotification), compiled once:
 * building them through Kysely each time took about half of a status write's time.
 */
const Q = {
  get: compiledOnce((d) => d.selectFrom('chargers').selectAll().where('id', '=', slot('id'))),
  online: compiledOnce((d) =>
    d.updateTable('chargers').set({ online: 1, node_id: slot('nodeId'), last_seen: slot('at'), ocpp_version: slot('ocppVersion') }).where('id', '=', slot('id')),
  ),
  boot: compiledOnce((d) =>
    d
      .updateTable('chargers')
      .set({
        vendor: slot('vendor'),
        model: slot('model'),
        serial_number: slot('serialNumber'),
        firmware_version: slot('firmwareVersion'),
        boot_info: slot('details'),
        booted_at: slot('at'),
        last_seen: slot('at'),
      })
      .where('id', '=', slot('id'))
      .returning('registration'),
  ),
  touch: compiledOnce((d) => d.updateTable('chargers').set({ last_seen: slot('at') }).where('id', '=', slot('id'))),
  credentials: compiledOnce((d) =>
    d
      .selectFrom('chargers')
      .innerJoin('installations', 'installations.id', 'chargers.installation_id')
      .select([
        'chargers.installation_id as installationId',
        'chargers.security_profile as chargerProfile',
        'installations.security_profile as installationProfile',
        'chargers.password_hash as passwordHash',
        'chargers.registration as registration',
        // What a new connection finds (OnlineBefore), in the same read.
        'chargers.node_id as holder',
        'chargers.booted_at as bootedAt',
        'chargers.offline_config as offlineConfig',
      ])
      .where('chargers.id', '=', slot('id')),
  ),
  offlineConfig: compiledOnce((d) => d.updateTable('chargers').set({ offline_config: slot('result') }).where('id', '=', slot('id'))),
  connectorStatus: compiledOnce((d) =>
    d
      .insertInto('connectors')
      .values({
        charger_id: slot('chargerId'),
        evse_id: slot('evseId') as unknown as number,
        connector_id: slot('connectorId') as unknown as number,
        status: slot('status'),
        error_code: slot('errorCode'),
        info: slot('info'),
        vendor_error_code: slot('vendorErrorCode'),
        status_at: slot('statusAt'),
        updated_at: slot('updatedAt'),
      })
      .onConflict((oc) =>
        oc
          .columns(['charger_id', 'evse_id', 'connector_id'])
          .doUpdateSet((eb) => ({
            status: eb.ref('excluded.status'),
            error_code: eb.ref('excluded.error_code'),
            info: eb.ref('excluded.info'),
            vendor_error_code: eb.ref('excluded.vendor_error_code'),
            status_at: eb.ref('excluded.status_at'),
            updated_at: eb.ref('excluded.updated_at'),
          }))
          // Buffered notifications replayed after an outage must not overwrite a newer status.
          .where((eb) =>
            eb.or([eb('excluded.status_at', 'is', null), eb('connectors.status_at', 'is', null), eb('excluded.status_at', '>=', eb.ref('connectors.status_at'))]),
          ),
      ),
  ),
};

export function chargerStore(db: Db) {
  return {
    /** undefined when the id is taken (charger ids are global: a charger connects by id alone). */
    async create(installationId: string, id: string, registration: Registration = 'accepted'): Promise<Charger | undefined> {
      const row: ChargerTable = {
        id,
        installation_id: installationId,
        vendor: null,
        model: null,
        serial_number: null,
        firmware_version: null,
        boot_info: null,
        booted_at: null,
        firmware_status: null,
        firmware_status_at: null,
        diagnostics_status: null,
        diagnostics_status_at: null,
        device_model: null,
        offline_config: null,
        security_profile: null,
        password_hash: null,
        password_set_at: null,
        online: 0,
        node_id: null,
        last_seen: null,
        ocpp_version: null,
        registration,
        created_at: new Date().toISOString(),
      };
      const res = await db.insertInto('chargers').values(row).onConflict((oc) => oc.column('id').doNothing()).executeTakeFirst();
      return Number(res.numInsertedOrUpdatedRows ?? 0) > 0 ? toCharger(row) : undefined;
    },

    async get(id: string): Promise<Charger | undefined> {
      const [row] = (await Q.get(db, { id })).rows;
      return row && toCharger(row);
    },

    async listByInstallation(installationId: string): Promise<Charger[]> {
      const rows = await db.selectFrom('chargers').selectAll().where('installation_id', '=', installationId).orderBy('id').execute();
      return rows.map(toCharger);
    },

    async remove(id: string): Promise<boolean> {
      const res = await db.deleteFrom('chargers').where('id', '=', id).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },

    async connectors(chargerId: string): Promise<Connector[]> {
      const rows = await db.selectFrom('connectors').selectAll().where('charger_id', '=', chargerId).orderBy('evse_id').orderBy('connector_id').execute();
      return rows.map(toConnector);
    },

    /** Stores the boot; returns how it is to be answered (undefined: the charger was removed meanwhile). */
    async recordBoot(id: string, boot: BootInfo, at: string): Promise<Registration | undefined> {
      const { vendor, model, serialNumber, firmwareVersion } = boot;
      const [row] = (await Q.boot(db, { id, vendor, model, serialNumber, firmwareVersion, details: JSON.stringify(boot.details), at })).rows;
      return row?.registration as Registration | undefined;
    },

    async setRegistration(id: string, registration: Registration): Promise<boolean> {
      const res = await db.updateTable('chargers').set({ registration }).where('id', '=', id).executeTakeFirst();
      return Number(res.numUpdatedRows) > 0;
    },

    /** Makes `nodeId` the holder, with the version it negotiated (what it held before came with its credentials). */
    async setOnline(id: string, nodeId: string, at: string, ocppVersion: string): Promise<void> {
      await Q.online(db, { id, nodeId, at, ocppVersion });
    },

    /**
     * Only the node that holds the charger may mark it offline: a newer connection elsewhere wins.
     * False when another node holds it (nothing changed).
     */
    async setOffline(id: string, nodeId: string, at: string): Promise<boolean> {
      const res = await db
        .updateTable('chargers')
        .set({ online: 0, node_id: null, last_seen: at })
        .where('id', '=', id)
        .where('node_id', '=', nodeId)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) > 0;
    },

    /**
     * Holds these chargers again unless another node took them: `taken` had no holder and are
     * this node's now; `elsewhere` are another node's (or gone). Two statements however many.
     */
    async reclaimMany(ids: string[], nodeId: string, at: string): Promise<{ taken: string[]; elsewhere: string[] }> {
      if (ids.length === 0) return { taken: [], elsewhere: [] };
      const taken = await db
        .updateTable('chargers')
        .set({ online: 1, node_id: nodeId, last_seen: at })
        .where('id', 'in', ids)
        .where('node_id', 'is', null)
        .returning('id')
        .execute();
      const holders = new Map((await db.selectFrom('chargers').select(['id', 'node_id']).where('id', 'in', ids).execute()).map((r) => [r.id, r.node_id]));
      return { taken: taken.map((r) => r.id), elsewhere: ids.filter((id) => holders.get(id) !== nodeId) };
    },

    async releaseNode(nodeId: string): Promise<void> {
      await db.updateTable('chargers').set({ online: 0, node_id: null }).where('node_id', '=', nodeId).execute();
    },

    /** With one node per database (SQLite) every charger held by a previous run is offline now. */
    async releaseAll(): Promise<void> {
      await db.updateTable('chargers').set({ online: 0, node_id: null }).where('node_id', 'is not', null).execute();
    },

    /** The node that holds the charger's connection, as the store says. */
    async holder(id: string): Promise<string | null> {
      const row = await db.selectFrom('chargers').select('node_id').where('id', '=', id).executeTakeFirst();
      return row?.node_id ?? null;
    },

    /** Of these charger ids, the ones another node holds now. */
    async heldElsewhere(ids: string[], nodeId: string): Promise<string[]> {
      const found: string[] = [];
      // Chunked: a node may hold tens of thousands, past a statement's parameter limit.
      for (let i = 0; i < ids.length; i += 1000) {
        const rows = await db
          .selectFrom('chargers')
          .select('id')
          .where('id', 'in', ids.slice(i, i + 1000))
          .where('node_id', 'is not', null)
          .where('node_id', '!=', nodeId)
          .execute();
        found.push(...rows.map((r) => r.id));
      }
      return found;
    },

    /** Nodes the store says hold a charger connection. */
    async holders(): Promise<string[]> {
      const rows = await db.selectFrom('chargers').select('node_id').distinct().where('node_id', 'is not', null).execute();
      return rows.map((r) => r.node_id!);
    },

    async installationsHeldBy(nodeId: string): Promise<string[]> {
      const rows = await db.selectFrom('chargers').select('installation_id').distinct().where('node_id', '=', nodeId).execute();
      return rows.map((r) => r.installation_id);
    },

    /** Marks offline the chargers of one installation a dead node held; returns their ids. */
    async releaseNodeIn(nodeId: string, installationId: string, at: string): Promise<string[]> {
      const rows = await db
        .updateTable('chargers')
        .set({ online: 0, node_id: null, last_seen: at })
        .where('node_id', '=', nodeId)
        .where('installation_id', '=', installationId)
        .returning('id')
        .execute();
      return rows.map((r) => r.id);
    },

    async setFirmwareStatus(id: string, status: string, at: string): Promise<void> {
      await db.updateTable('chargers').set({ firmware_status: status, firmware_status_at: at }).where('id', '=', id).execute();
    },

    async setDeviceModel(id: string, model: DeviceModel): Promise<void> {
      await db.updateTable('chargers').set({ device_model: JSON.stringify(model) }).where('id', '=', id).execute();
    },

    async setDiagnosticsStatus(id: string, status: string, at: string): Promise<void> {
      await db.updateTable('chargers').set({ diagnostics_status: status, diagnostics_status_at: at }).where('id', '=', id).execute();
    },

    /** Who a connecting charger is: its installation, security, registration, and what a new connection finds of it. */
    async credentials(id: string) {
      const [row] = (await Q.credentials(db, { id })).rows;
      if (!row) return undefined;
      const { holder, bootedAt, offlineConfig, registration, ...rest } = row;
      const before: OnlineBefore = { holder, bootedAt, offlineConfig: offlineConfig ? JSON.parse(offlineConfig) : null };
      return { ...rest, registration: registration as Registration, before };
    },

    async setPasswordHash(id: string, hash: string): Promise<void> {
      await db.updateTable('chargers').set({ password_hash: hash, password_set_at: new Date().toISOString() }).where('id', '=', id).execute();
    },

    async setSecurityProfile(id: string, profile: number | null): Promise<void> {
      await db.updateTable('chargers').set({ security_profile: profile }).where('id', '=', id).execute();
    },

    async setOfflineConfig(id: string, result: Record<string, unknown>): Promise<void> {
      await Q.offlineConfig(db, { id, result: JSON.stringify(result) });
    },

    async touch(id: string, at: string): Promise<void> {
      await Q.touch(db, { id, at });
    },

    async setConnectorStatus(
      chargerId: string,
      s: { evseId?: number; connectorId: number; status: string; errorCode: string; info?: string; vendorErrorCode?: string; timestamp?: string },
    ): Promise<void> {
      await Q.connectorStatus(db, {
        chargerId,
        evseId: s.evseId ?? 0,
        connectorId: s.connectorId,
        status: s.status,
        errorCode: s.errorCode,
        info: s.info ?? null,
        vendorErrorCode: s.vendorErrorCode ?? null,
        statusAt: s.timestamp ?? null,
        updatedAt: new Date().toISOString(),
      });
    },
  };
}

export type ChargerStore = ReturnType<typeof chargerStore>;
