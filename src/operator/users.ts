import { randomBytes } from 'node:crypto';
import type { Store, Unit } from '../store/index.js';
import type { User } from '../store/users.js';
import { emailLimitKey, hashUserPassword } from '../users/login.js';
import { flag, NotFoundError, option, required, UsageError, type Args } from './args.js';
import { operatorActor, type Command, type CommandContext } from './context.js';

/** The same bounds as the API and ADMIN_PASSWORD. */
const MIN_PASSWORD = 12;
const MAX_PASSWORD = 256;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

async function requireUser(store: Store, email: string): Promise<User> {
  const user = await store.users.findByEmail(email);
  if (!user) throw new NotFoundError(`no user with the email ${email}`);
  return user;
}

/** --password-stdin reads it (never an argument: those show in process lists); otherwise one is generated and printed. */
async function newPassword(ctx: CommandContext, args: Args): Promise<{ password: string; generated: boolean }> {
  if (!flag(args, 'password-stdin')) return { password: randomBytes(18).toString('base64url'), generated: true };
  const password = (await ctx.readStdin()).replace(/\r?\n$/, '');
  if (password.length < MIN_PASSWORD || password.length > MAX_PASSWORD) {
    throw new UsageError(`--password-stdin: the password must be ${MIN_PASSWORD} to ${MAX_PASSWORD} characters`);
  }
  return { password, generated: false };
}

function audit(tx: Unit, action: string, target: string, changes: Record<string, { changed?: true; to?: unknown }> = {}) {
  return tx.audit({ installationId: null, actor: operatorActor(), action, target, changes });
}

export const resetPassword: Command = {
  usage: 'reset-password <email> [--password-stdin]',
  summary: "sets a new password (generated and printed unless read from stdin), signs the user out everywhere and lifts a sign-in lock-out",
  options: { 'password-stdin': 'flag' },
  async run(ctx, args) {
    const email = required(args, 0, 'email');
    const user = await requireUser(ctx.store, email);
    const { password, generated } = await newPassword(ctx, args);
    const passwordHash = await hashUserPassword(password);
    await ctx.store.transact(async (tx) => {
      await tx.users.update(user.id, { passwordHash });
      await tx.userSessions.removeAllOf(user.id);
      await tx.loginFailures.forget(emailLimitKey(user.email));
      await audit(tx, 'user.updated', user.email, { password: { changed: true } });
    });
    ctx.note(`Password of ${user.email} reset; its sessions are signed out.`);
    if (generated) ctx.print(password);
  },
};

export const removeSecondFactor: Command = {
  usage: 'remove-second-factor <email>',
  summary: 'removes a lost authenticator and the recovery codes: the user signs in with the password and enrols again',
  options: {},
  async run(ctx, args) {
    const user = await requireUser(ctx.store, required(args, 0, 'email'));
    const removed = await ctx.store.transact(async (tx) => {
      const had = await tx.secondFactor.remove(user.id);
      await tx.userSessions.removeAllOf(user.id);
      await audit(tx, 'user.second_factor_reset', user.email);
      return had;
    });
    ctx.note(removed ? `Second factor of ${user.email} removed; its sessions are signed out.` : `${user.email} had no second factor; its sessions are signed out.`);
  },
};

export const createAdmin: Command = {
  usage: 'create-admin <email> [--name <name>] [--password-stdin]',
  summary: 'creates an admin user (password generated and printed unless read from stdin)',
  options: { name: 'value', 'password-stdin': 'flag' },
  async run(ctx, args) {
    const email = required(args, 0, 'email').trim().toLowerCase();
    if (!EMAIL.test(email)) throw new UsageError(`<email>: "${email}" is not an email address`);
    const { password, generated } = await newPassword(ctx, args);
    const passwordHash = await hashUserPassword(password);
    const created = await ctx.store.transact(async (tx) => {
      const user = await tx.users.create({ email, name: option(args, 'name') ?? null, passwordHash, admin: true });
      if (user) await audit(tx, 'user.created', email, { admin: { to: true } });
      return user;
    });
    if (!created) throw new NotFoundError(`a user with the email ${email} exists already (reset-password changes its password)`);
    ctx.note(`Admin user ${email} created.`);
    if (generated) ctx.print(password);
  },
};
