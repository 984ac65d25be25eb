import { generateToken, type TokenRole } from '../store/apiTokens.js';
import { NotFoundError, option, required, UsageError } from './args.js';
import { operatorActor, type Command } from './context.js';

const ROLES: readonly TokenRole[] = ['admin', 'owner', 'service'];

export const mintToken: Command = {
  usage: 'mint-token [--label <text>] [--role admin|owner|service] [--installation <id>]…',
  summary: 'creates an API token and prints it once (stored hashed); admin by default, owner and service need --installation',
  options: { label: 'value', role: 'value', installation: 'value' },
  async run(ctx, args) {
    const role = (option(args, 'role') ?? 'admin') as TokenRole;
    if (!ROLES.includes(role)) throw new UsageError(`--role: must be one of ${ROLES.join(', ')}`);
    const installations = args.options.get('installation') ?? [];
    if (role !== 'admin' && installations.length === 0) throw new UsageError(`--installation: ${role} tokens need at least one`);
    if (role === 'admin' && installations.length > 0) throw new UsageError('--installation: an admin token reaches every installation; leave it out');
    for (const id of installations) {
      if (!(await ctx.store.installations.get(id))) throw new NotFoundError(`--installation: no installation with the id ${id}`);
    }
    const label = option(args, 'label') ?? `${role} (minted with npm run admin)`;
    const token = generateToken();
    const stored = await ctx.store.transact(async (tx) => {
      const t = await tx.apiTokens.add(label, token, { role, installations });
      for (const installationId of role === 'admin' ? [null] : installations) {
        await tx.audit({ installationId, actor: operatorActor(), action: 'token.created', target: label, changes: { role: { to: role } } });
      }
      return t;
    });
    ctx.note(`Token ${stored.id} (${label}, ${role}) created; shown once:`);
    ctx.print(token);
  },
};

export const revokeToken: Command = {
  usage: 'revoke-token <token id>',
  summary: 'revokes an API token at once (list-tokens shows the ids)',
  options: {},
  async run(ctx, args) {
    const id = required(args, 0, 'token id');
    const token = await ctx.store.apiTokens.get(id);
    if (!token) throw new NotFoundError(`no token with the id ${id} (list-tokens shows them)`);
    await ctx.store.transact(async (tx) => {
      await tx.apiTokens.remove(id);
      for (const installationId of token.role === 'admin' ? [null] : token.installations) {
        await tx.audit({ installationId, actor: operatorActor(), action: 'token.revoked', target: token.label, changes: {} });
      }
    });
    ctx.note(`Token ${id} (${token.label}) revoked.`);
  },
};

export const listTokens: Command = {
  usage: 'list-tokens',
  summary: 'lists the API tokens: id, role, installations, created, label (never the tokens themselves)',
  options: {},
  async run(ctx) {
    for (const t of await ctx.store.apiTokens.list()) {
      ctx.print([t.id, t.role, t.installations.join(',') || '-', t.createdAt, t.label].join('\t'));
    }
  },
};
