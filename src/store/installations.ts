import { randomUUID } from 'node:crypto';
import type { Db } from './db.js';
import type { InstallationTable } from './schema.js';
import type { SecretBox } from '../secrets.js';

/** The installation's provider decides. The API and the database call this mode 'webhook' (kept for compatibility). */
export const PROVIDER_MODE = 'webhook';
export type AuthMode = 'native' | typeof PROVIDER_MODE;

/** An installation's authentication as stored, the payload in clear: the API masks it (src/api/maskPayload.ts). */
export interface AuthenticationSettings {
  mode: AuthMode;
  authUrl: string | null;
  authPayload: string | null;
  sessionStartUrl: string | null;
  sessionEndUrl: string | null;
  offlineAllow: boolean;
  timeoutMs: number;
}

/** What an installation's chargers keep in their Local Authorization List. */
export const LOCAL_LIST_MODES = ['off', 'native', 'native+recent'] as const;
export type LocalListMode = (typeof LOCAL_LIST_MODES)[number];

export interface LocalListSetting {
  mode: LocalListMode;
  /** native+recent: the provider's acceptances of the last this many days. */
  recentDays: number;
}

export const DEFAULT_LOCAL_LIST: LocalListSetting = { mode: 'off', recentDays: 30 };

/** What the provider call path needs: one installation's settings, read alone. */
export interface ProviderSettings extends AuthenticationSettings {
  installationId: string;
  localList: LocalListSetting;
}

export type SecurityProfile = 0 | 1 | 2 | 3;

export interface Installation {
  id: string;
  name: string;
  authMode: AuthMode;
  /** Default OCPP security profile of its chargers (a charger may override it). */
  securityProfile: SecurityProfile;
  /** Members without a second factor are refused everything of it until they enrol. */
  requireSecondFactor: boolean;
  authentication: AuthenticationSettings;
  localList: LocalListSetting;
  createdAt: string;
  updatedAt: string;
}

export interface InstallationInput {
  name: string;
  authMode?: AuthMode;
  securityProfile?: SecurityProfile;
  requireSecondFactor?: boolean;
  authentication?: AuthenticationInput;
  localList?: Partial<LocalListSetting>;
}

export type AuthenticationInput = Partial<Omit<AuthenticationSettings, 'mode'>> & { mode?: AuthMode };

function toInstallation(row: InstallationTable, box: SecretBox): Installation {
  const authentication: AuthenticationSettings = {
    mode: row.auth_mode as AuthMode,
    authUrl: row.auth_url,
    authPayload: row.auth_payload === null ? null : box.open(row.auth_payload),
    sessionStartUrl: row.session_start_url,
    sessionEndUrl: row.session_end_url,
    offlineAllow: row.offline_allow === 1,
    timeoutMs: row.timeout_ms,
  };
  return {
    id: row.id,
    name: row.name,
    authMode: authentication.mode,
    securityProfile: row.security_profile as SecurityProfile,
    requireSecondFactor: row.require_second_factor === 1,
    authentication,
    localList: localListOf(row),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const localListOf = (row: InstallationTable): LocalListSetting => ({ mode: row.local_list as LocalListMode, recentDays: row.local_list_recent_days });

function localListColumns(l: Partial<LocalListSetting> | undefined): Partial<InstallationTable> {
  const cols: Partial<InstallationTable> = {};
  if (l?.mode !== undefined) cols.local_list = l.mode;
  if (l?.recentDays !== undefined) cols.local_list_recent_days = l.recentDays;
  return cols;
}

/** Only the columns the input names change; a null clears one. */
function authColumns(a: AuthenticationInput | undefined, box: SecretBox): Partial<InstallationTable> {
  if (!a) return {};
  const cols: Partial<InstallationTable> = {};
  if (a.mode !== undefined) cols.auth_mode = a.mode;
  if (a.authUrl !== undefined) cols.auth_url = a.authUrl;
  if (a.authPayload !== undefined) cols.auth_payload = a.authPayload === null ? null : box.seal(a.authPayload);
  if (a.sessionStartUrl !== undefined) cols.session_start_url = a.sessionStartUrl;
  if (a.sessionEndUrl !== undefined) cols.session_end_url = a.sessionEndUrl;
  if (a.offlineAllow !== undefined) cols.offline_allow = a.offlineAllow ? 1 : 0;
  if (a.timeoutMs !== undefined) cols.timeout_ms = a.timeoutMs;
  return cols;
}

export function installationStore(db: Db, box: SecretBox) {
  return {
    async create(input: InstallationInput): Promise<Installation> {
      const now = new Date().toISOString();
      const row: InstallationTable = {
        id: randomUUID(),
        name: input.name,
        auth_mode: input.authMode ?? 'native',
        auth_url: null,
        auth_payload: null,
        session_start_url: null,
        session_end_url: null,
        offline_allow: 0,
        timeout_ms: 3000,
        security_profile: input.securityProfile ?? 0,
        require_second_factor: input.requireSecondFactor ? 1 : 0,
        local_list: DEFAULT_LOCAL_LIST.mode,
        local_list_recent_days: DEFAULT_LOCAL_LIST.recentDays,
        created_at: now,
        updated_at: now,
        ...authColumns(input.authentication, box),
        ...localListColumns(input.localList),
      };
      await db.insertInto('installations').values(row).execute();
      return toInstallation(row, box);
    },

    async list(): Promise<Installation[]> {
      const rows = await db.selectFrom('installations').selectAll().orderBy('created_at').orderBy('id').execute();
      return rows.map((r) => toInstallation(r, box));
    },

    async get(id: string): Promise<Installation | undefined> {
      const row = await db.selectFrom('installations').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toInstallation(row, box);
    },

    async findByName(name: string): Promise<Installation | undefined> {
      const row = await db.selectFrom('installations').selectAll().where('name', '=', name).orderBy('created_at').executeTakeFirst();
      return row && toInstallation(row, box);
    },

    async providerSettings(id: string): Promise<ProviderSettings | undefined> {
      const row = await db.selectFrom('installations').selectAll().where('id', '=', id).executeTakeFirst();
      return row && { installationId: row.id, ...toInstallation(row, box).authentication, localList: localListOf(row) };
    },

    async update(
      id: string,
      patch: Partial<InstallationInput>,
    ): Promise<Installation | undefined> {
      const values: Partial<InstallationTable> = {
        updated_at: new Date().toISOString(),
        ...authColumns(patch.authentication, box),
        ...localListColumns(patch.localList),
      };
      if (patch.name !== undefined) values.name = patch.name;
      if (patch.authMode !== undefined) values.auth_mode = patch.authMode;
      if (patch.securityProfile !== undefined) values.security_profile = patch.securityProfile;
      if (patch.requireSecondFactor !== undefined) values.require_second_factor = patch.requireSecondFactor ? 1 : 0;
      const res = await db.updateTable('installations').set(values).where('id', '=', id).executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) return undefined;
      return this.get(id);
    },

    /** Chargers and id tags go with it; transactions stay as history. */
    async remove(id: string): Promise<boolean> {
      const res = await db.deleteFrom('installations').where('id', '=', id).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },
  };
}

export type InstallationStore = ReturnType<typeof installationStore>;
