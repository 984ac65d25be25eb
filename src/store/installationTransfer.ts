import type { Db } from './db.js';
import type { ChargerTable, IdTagTable, InstallationTable, SubscriptionTable } from './schema.js';
import type { SecretBox } from '../secrets.js';

/** Charger columns that are configuration; the rest (online, holder, statuses) is state. */
export const CHARGER_COLUMNS = ['id', 'vendor', 'model', 'serial_number', 'firmware_version', 'security_profile', 'password_hash', 'password_set_at', 'offline_config', 'registration', 'created_at'] as const;

/** Subscription columns that are configuration; cursor, lease, failures and state begin anew. */
export const SUBSCRIPTION_COLUMNS = [
  'id', 'label', 'kind', 'url', 'url_mode', 'events', 'enabled', 'subscription_ref', 'auth_kind', 'auth_username', 'auth_password',
  'signature', 'secret', 'filter', 'blocking', 'blocking_timeout_ms', 'timeout_ms', 'verify', 'kafka', 'kafka_password', 'created_at', 'updated_at',
] as const;

const SEALED_SUBSCRIPTION_COLUMNS = ['secret', 'auth_password', 'kafka_password'] as const;

/** `registration` is absent from exports made before it existed. */
export type ExportedCharger = Omit<Pick<ChargerTable, (typeof CHARGER_COLUMNS)[number]>, 'registration'> & { registration?: string };
export type ExportedSubscription = Pick<SubscriptionTable, (typeof SUBSCRIPTION_COLUMNS)[number]>;

/** One installation as stored (column names), its secrets opened so another key can seal them again. */
export interface ExportedInstallation {
  installation: InstallationTable;
  chargers: ExportedCharger[];
  idTags: Omit<IdTagTable, 'installation_id'>[];
  subscriptions: ExportedSubscription[];
  members: { email: string; role: string }[];
}

type Sealing = (value: string) => string;
const nullable = (f: Sealing) => (v: string | null) => (v === null ? null : f(v));

function withSecrets<T extends object>(r: T, columns: readonly string[], f: Sealing): T {
  const out = { ...r } as Record<string, unknown>;
  for (const c of columns) out[c] = nullable(f)(out[c] as string | null);
  return out as T;
}

/** Installations out of one gateway and into another (the operator's export and import). */
export function installationTransferStore(db: Db, box: SecretBox) {
  return {
    /** Every installation's id, oldest first. */
    async ids(): Promise<string[]> {
      return (await db.selectFrom('installations').select('id').orderBy('created_at').orderBy('id').execute()).map((r) => r.id);
    },

    /** The installation with its configuration; undefined when there is none with this id. */
    async read(id: string): Promise<ExportedInstallation | undefined> {
      const installation = await db.selectFrom('installations').selectAll().where('id', '=', id).executeTakeFirst();
      if (!installation) return undefined;
      const chargers = await db.selectFrom('chargers').select(CHARGER_COLUMNS).where('installation_id', '=', id).orderBy('id').execute();
      const idTags = await db.selectFrom('id_tags').selectAll().where('installation_id', '=', id).orderBy('id_tag_key').execute();
      const subscriptions = await db.selectFrom('subscriptions').select(SUBSCRIPTION_COLUMNS).where('installation_id', '=', id).orderBy('id').execute();
      const members = await db
        .selectFrom('memberships')
        .innerJoin('users', 'users.id', 'memberships.user_id')
        .select(['users.email as email', 'memberships.role as role'])
        .where('memberships.installation_id', '=', id)
        .orderBy('users.email')
        .execute();
      const open = (v: string) => box.open(v);
      return {
        installation: withSecrets(installation, ['auth_payload'], open),
        chargers,
        idTags: idTags.map(({ installation_id: _i, ...t }) => t),
        subscriptions: subscriptions.map((s) => withSecrets(s, SEALED_SUBSCRIPTION_COLUMNS, open)),
        members,
      };
    },

    /** Whether the installation's id is taken here, or else the first of its charger ids that is. */
    async taken(inst: ExportedInstallation): Promise<{ installation: true } | { chargerId: string } | undefined> {
      if (await db.selectFrom('installations').select('id').where('id', '=', inst.installation.id).executeTakeFirst()) return { installation: true };
      const chargerIds = inst.chargers.map((c) => c.id);
      const taken = chargerIds.length ? await db.selectFrom('chargers').select('id').where('id', 'in', chargerIds).executeTakeFirst() : undefined;
      return taken && { chargerId: taken.id };
    },

    /** Writes the installation, its chargers, id tags and subscriptions (these from `cursor` on); members are the caller's. */
    async write(inst: ExportedInstallation, cursor: number): Promise<void> {
      const id = inst.installation.id;
      const seal = (v: string) => box.seal(v);
      await db.insertInto('installations').values(withSecrets(inst.installation, ['auth_payload'], seal)).execute();
      for (const c of inst.chargers) await db.insertInto('chargers').values({ ...c, registration: c.registration ?? 'accepted', installation_id: id, online: 0, node_id: null }).execute();
      for (const t of inst.idTags) await db.insertInto('id_tags').values({ ...t, installation_id: id }).execute();
      for (const s of inst.subscriptions) {
        await db
          .insertInto('subscriptions')
          .values({ ...withSecrets(s, SEALED_SUBSCRIPTION_COLUMNS, seal), installation_id: id, state: 'active', state_reason: null, cursor, failures: 0, next_attempt_at: null, lease_owner: null, lease_until: null })
          .execute();
      }
    },
  };
}
