import type { Db } from './db.js';
import type { LocalListTable } from './schema.js';
import { idTagKey } from './idTags.js';

export type LocalListState = 'in_sync' | 'syncing' | 'not_supported' | 'failed' | 'off';

/** One entry as the gateway sent it; no `info` never stays stored (it is how a Differential removes a tag). */
export interface LocalListEntry {
  idTag: string;
  /** OCPP 2.0.1 IdTokenEnumType the entry is sent with; 1.6 has none. */
  type?: string;
  info: { status: 'Accepted' | 'Blocked' | 'Expired' | 'Invalid'; expiryDate?: string; parentIdTag?: string };
}

/** A charger's Local Authorization List as the gateway knows it. */
export interface ChargerLocalList {
  chargerId: string;
  state: LocalListState;
  /** The list version the charger confirmed last (0: none sent yet). */
  version: number;
  contentHash: string | null;
  entries: LocalListEntry[];
  /** The charger's last answer: a status (Accepted, VersionMismatch, …) or an error. */
  answer: string | null;
  /** What the charger said it can hold (LocalAuthListMaxLength / LocalAuthListCtrlr.Entries). */
  maxLength: number | null;
  /** Entries per SendLocalList (SendLocalListMaxLength / LocalAuthListCtrlr.ItemsPerMessage). */
  sendMaxLength: number | null;
  /** 2.0.1 LocalAuthListCtrlr.BytesPerMessage. */
  bytesPerMessage: number | null;
  syncedAt: string | null;
  updatedAt: string;
}

export type LocalListPatch = Partial<Omit<ChargerLocalList, 'chargerId' | 'updatedAt'>>;

/** A tag the provider accepted, kept for native+recent lists. */
export interface RecentIdTag {
  idTag: string;
  idTokenType: string | null;
  expiryDate: string | null;
  parentIdTag: string | null;
  lastUsedAt: string;
}

function toLocalList(row: LocalListTable): ChargerLocalList {
  return {
    chargerId: row.charger_id,
    state: row.state as LocalListState,
    version: row.version,
    contentHash: row.content_hash,
    entries: JSON.parse(row.entries) as LocalListEntry[],
    answer: row.answer,
    maxLength: row.max_length,
    sendMaxLength: row.send_max_length,
    bytesPerMessage: row.bytes_per_message,
    syncedAt: row.synced_at,
    updatedAt: row.updated_at,
  };
}

function columns(p: LocalListPatch): Partial<LocalListTable> {
  const cols: Partial<LocalListTable> = {};
  if (p.state !== undefined) cols.state = p.state;
  if (p.version !== undefined) cols.version = p.version;
  if (p.contentHash !== undefined) cols.content_hash = p.contentHash;
  if (p.entries !== undefined) cols.entries = JSON.stringify(p.entries);
  if (p.answer !== undefined) cols.answer = p.answer;
  if (p.maxLength !== undefined) cols.max_length = p.maxLength;
  if (p.sendMaxLength !== undefined) cols.send_max_length = p.sendMaxLength;
  if (p.bytesPerMessage !== undefined) cols.bytes_per_message = p.bytesPerMessage;
  if (p.syncedAt !== undefined) cols.synced_at = p.syncedAt;
  return cols;
}

export function localListStore(db: Db) {
  return {
    async get(chargerId: string): Promise<ChargerLocalList | undefined> {
      const row = await db.selectFrom('local_lists').selectAll().where('charger_id', '=', chargerId).executeTakeFirst();
      return row && toLocalList(row);
    },

    /** Writes the fields the patch names; a charger without a row gets one (state `syncing` unless named). */
    async save(chargerId: string, patch: LocalListPatch): Promise<ChargerLocalList> {
      const now = new Date().toISOString();
      const cols = { ...columns(patch), updated_at: now };
      const row: LocalListTable = {
        charger_id: chargerId,
        state: 'syncing',
        version: 0,
        content_hash: null,
        entries: '[]',
        answer: null,
        max_length: null,
        send_max_length: null,
        bytes_per_message: null,
        synced_at: null,
        ...cols,
      };
      await db
        .insertInto('local_lists')
        .values(row)
        .onConflict((oc) => oc.column('charger_id').doUpdateSet(cols))
        .execute();
      return (await this.get(chargerId)) as ChargerLocalList;
    },

    /** Records (or refreshes) a tag the provider accepted; `created` when it was not kept before. */
    async rememberRecent(installationId: string, tag: RecentIdTag): Promise<{ created: boolean }> {
      const key = idTagKey(tag.idTag);
      const existing = await db
        .selectFrom('recent_id_tags')
        .select('expiry_date')
        .where('installation_id', '=', installationId)
        .where('id_tag_key', '=', key)
        .executeTakeFirst();
      const values = {
        id_tag: tag.idTag,
        id_token_type: tag.idTokenType,
        expiry_date: tag.expiryDate,
        parent_id_tag: tag.parentIdTag,
        last_used_at: tag.lastUsedAt,
      };
      await db
        .insertInto('recent_id_tags')
        .values({ installation_id: installationId, id_tag_key: key, ...values })
        .onConflict((oc) => oc.columns(['installation_id', 'id_tag_key']).doUpdateSet(values))
        .execute();
      return { created: !existing };
    },

    /** The tags the provider accepted since `since`, most recently used first. */
    async recent(installationId: string, since: string): Promise<RecentIdTag[]> {
      const rows = await db
        .selectFrom('recent_id_tags')
        .selectAll()
        .where('installation_id', '=', installationId)
        .where('last_used_at', '>=', since)
        .orderBy('last_used_at', 'desc')
        .execute();
      return rows.map((r) => ({ idTag: r.id_tag, idTokenType: r.id_token_type, expiryDate: r.expiry_date, parentIdTag: r.parent_id_tag, lastUsedAt: r.last_used_at }));
    },

    /** When each id tag last started a transaction of the installation, by id-tag key. */
    async lastStarts(installationId: string): Promise<Map<string, string>> {
      const rows = await db
        .selectFrom('transactions')
        .select(['id_tag_key', (eb) => eb.fn.max('start_time').as('last')])
        .where('installation_id', '=', installationId)
        .groupBy('id_tag_key')
        .execute();
      return new Map(rows.map((r) => [r.id_tag_key, String(r.last)]));
    },
  };
}

export type LocalListStore = ReturnType<typeof localListStore>;
