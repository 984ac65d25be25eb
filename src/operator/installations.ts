import { readFileSync, writeFileSync } from 'node:fs';
import type { Store, Unit } from '../store/index.js';
import type { ExportedInstallation } from '../store/installationTransfer.js';
import { NotFoundError, option, required, UsageError } from './args.js';
import { operatorActor, type Command } from './context.js';
import { describeProblem, EXPORT_FORMAT, EXPORT_VERSION, exportFileSchema, type ExportFile } from './installationsFile.js';

async function exportOne(store: Store, id: string): Promise<ExportedInstallation> {
  const inst = await store.installationTransfer.read(id);
  if (!inst) throw new NotFoundError(`--installation: no installation with the id ${id}`);
  return inst;
}

export const exportInstallations: Command = {
  usage: 'export [--installation <id>]… [--out <file>]',
  summary: 'writes installations (all, or those named) as JSON with their chargers, id tags, subscriptions and members; secrets in plain text',
  options: { installation: 'value', out: 'value' },
  async run(ctx, args) {
    const named = args.options.get('installation');
    const ids = named ?? (await ctx.store.installationTransfer.ids());
    const file: ExportFile = { format: EXPORT_FORMAT, version: EXPORT_VERSION, exportedAt: new Date().toISOString(), installations: [] };
    for (const id of ids) file.installations.push(await exportOne(ctx.store, id));
    const text = JSON.stringify(file, null, 2) + '\n';
    const out = option(args, 'out');
    if (out) writeFileSync(out, text, { mode: 0o600 });
    else ctx.print(text.trimEnd());
    ctx.note(`Exported ${file.installations.length} installation(s)${out ? ` to ${out}` : ''}. The file holds provider credentials and signing secrets in plain text: keep it like a password.`);
  },
};

async function refuseTaken(tx: Store, inst: ExportedInstallation): Promise<void> {
  const taken = await tx.installationTransfer.taken(inst);
  if (taken && 'installation' in taken) throw new NotFoundError(`installation ${inst.installation.id} (${inst.installation.name}) exists already on this gateway`);
  if (taken) throw new NotFoundError(`charger ${taken.chargerId} of installation ${inst.installation.name} belongs to an installation of this gateway already`);
}

/** Members are matched by email; those with no account here are reported, not created. */
async function importOne(tx: Unit, inst: ExportedInstallation, cursor: number): Promise<string[]> {
  const id = inst.installation.id;
  await tx.installationTransfer.write(inst, cursor);
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
      for (const inst of file.installations) await refuseTaken(tx, inst);
      for (const inst of file.installations) all.push(...(await importOne(tx, inst, cursor)));
      return all;
    });
    ctx.note(`Imported ${file.installations.length} installation(s).`);
    if (missing.length) ctx.note(`No account here for ${[...new Set(missing)].join(', ')}: create them and add them as members.`);
  },
};
