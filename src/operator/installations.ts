import { readFileSync, writeFileSync } from 'node:fs';
import type { Unit } from '../store/index.js';
import type { SecretBox } from '../secrets.js';
import type { Db } from '../store/db.js';
import { NotFoundError, option, required, UsageError } from './args.js';
import { operatorActor, type Command } from './context.js';
import {
  CHARGER_COLUMNS, describeProblem, EXPORT_FORMAT, EXPORT_VERSION, exportFileSchema, SUBSCRIPTION_COLUMNS,
  type ExportedInstallation, type ExportFile,
} from './installationsFile.js';

const SEALED_SUBSCRIPTION_COLUMNS = ['secret', 'auth_password', 'kafka_password'] as const;

type Sealing = (value: string) => string;
const nullable = (f: Sealing) => (v: string | null) => (v === null ? null : f(v));

function withSecrets<T extends object>(r: T, columns: readonly string[], f: Sealing): T {
  const out = { ...r } as Record<string, unknown>;
  for (const c of columns) out[c] = nullable(f)(out[c] as string | null);
  return out as T;
}

async function exportOne(db: Db, box: SecretBox, id: string): Promise<ExportedInstallation> {
  const installation = await db.selectFrom('installations').selectAll().where('id', '=', id).executeTakeFirst();
  if (!installation) throw new NotFoundError(`--installation: no installation with the id ${id}`);
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
}

export const exportInstallations: Command = {
  usage: 'export [--installation <id>]… [--out <file>]',
  summary: 'writes installations (all, or those named) as JSON with their chargers, id tags, subscriptions and members; secrets in plain text',
  options: { installation: 'value', out: 'value' },
  async run(ctx, args) {
    const { db } = ctx.store;
    const named = args.options.get('installation');
    const ids = named ?? (await db.selectFrom('installations').select('id').orderBy('created_at').orderBy('id').execute()).map((r) => r.id);
    const file: ExportFile = { format: EXPORT_FORMAT, version: EXPORT_VERSION, exportedAt: new Date().toISOString(), installations: [] };
    for (const id of ids) file.installations.push(await exportOne(db, ctx.box, id));
    const text = JSON.stringify(file, null, 2) + '\n';
    const out = option(args, 'out');
    if (out) writeFileSync(out, text, { mode: 0o600 });
    else ctx.print(text.trimEnd());
    ctx.note(`Exported ${file.installations.length} installation(s)${out ? ` to ${out}` : ''}. The file holds provider credentials and signing secrets in plain text: keep it like a password.`);
  },
};

async function refuseTaken(db: Db, inst: ExportedInstallation): Promise<void> {
  if (await db.selectFrom('installations').select('id').where('id', '=', inst.installation.id).executeTakeFirst()) {
    throw new NotFoundError(`installation ${inst.installation.id} (${inst.installation.name}) exists already on this gateway`);
  }
  const chargerIds = inst.chargers.map((c) => c.id);
  const taken = chargerIds.length ? await db.selectFrom('chargers').select('id').where('id', 'in', chargerIds).executeTakeFirst() : undefined;
  if (taken) throw new NotFoundError(`charger ${taken.id} of installation ${inst.installation.name} belongs to an installation of this gateway already`);
}

/** Members are matched by email; those with no account here are reported, not created. */
async function importOne(tx: Unit, inst: ExportedInstallation, box: SecretBox, cursor: number): Promise<string[]> {
  const id = inst.installation.id;
  const seal = (v: string) => box.seal(v);
  await tx.db.insertInto('installations').values(withSecrets(inst.installation, ['auth_payload'], seal)).execute();
  for (const c of inst.chargers) await tx.db.insertInto('chargers').values({ ...c, installation_id: id, online: 0, node_id: null }).execute();
  for (const t of inst.idTags) await tx.db.insertInto('id_tags').values({ ...t, installation_id: id }).execute();
  for (const s of inst.subscriptions) {
    await tx.db
      .insertInto('subscriptions')
      .values({ ...withSecrets(s, SEALED_SUBSCRIPTION_COLUMNS, seal), installation_id: id, state: 'active', state_reason: null, cursor, failures: 0, next_attempt_at: null, lease_owner: null, lease_until: null })
      .execute();
  }
  const missing: string[] = [];
  for (const m of inst.members) {
    const user = await tx.users.findByEmail(m.email);
    if (user) await tx.users.setMember(id, user.id, m.role as 'owner' | 'service');
    else missing.push(m.email);
  }
  await tx.audit({ installationId: id, actor: operatorActor(), action: 'installation.imported', target: inst.installation.name, changes: {} });
  return missing;
}

export const importInstallations: Command = {
  usage: 'import <file | ->',
  summary: 'adds the installations of an export file (all or none); refuses installations or chargers this gateway has already',
  options: {},
  async run(ctx, args) {
    const path = required(args, 0, 'file');
    let text: string;
    try {
      text = path === '-' ? await ctx.readStdin() : readFileSync(path, 'utf8');
    } catch (err) {
      throw new UsageError(`<file>: ${path} cannot be read: ${(err as Error).message}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new UsageError(`<file>: ${path} is not JSON: ${(err as Error).message}`);
    }
    const checked = exportFileSchema.safeParse(parsed);
    if (!checked.success) throw new UsageError(`<file>: ${path} is not an export of this gateway: ${describeProblem(checked.error)}`);
    const file = parsed as ExportFile;
    // Imported subscriptions start at the end of this gateway's event log: they get what happens from now on.
    const cursor = await ctx.store.events.lastSeq();
    const missing = await ctx.store.transact(async (tx) => {
      const all: string[] = [];
      for (const inst of file.installations) await refuseTaken(tx.db, inst);
      for (const inst of file.installations) all.push(...(await importOne(tx, inst, ctx.box, cursor)));
      return all;
    });
    ctx.note(`Imported ${file.installations.length} installation(s).`);
    if (missing.length) ctx.note(`No account here for ${[...new Set(missing)].join(', ')}: create them and add them as members.`);
  },
};
