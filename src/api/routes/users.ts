import { Router, type Request } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { ApiError, notFound } from '../errors.js';
import { parseBody } from '../validate.js';
import { requireAdmin, requireFreshSecondFactor } from '../scope.js';
import { auditEntry } from '../audit.js';
import { callerOf } from '../caller.js';
import type { Store } from '../../store/index.js';
import type { User } from '../../store/users.js';
import { emailField, isPlausiblePathId, userPasswordField } from './fields.js';
import { hashUserPassword } from '../../users/login.js';

export const createUserBody = z.strictObject({
  email: emailField,
  name: z.string().trim().max(200, 'must be at most 200 characters').nullable().optional(),
  password: userPasswordField,
  admin: z.boolean().default(false),
});

export const updateUserBody = z.strictObject({
  name: z.string().trim().max(200, 'must be at most 200 characters').nullable().optional(),
  admin: z.boolean().optional(),
  /** An operator's reset: the user is signed out everywhere. */
  password: userPasswordField.optional(),
});

/** Accounts are the operator's: admins create them, owners then add them to installations. */
export function userRoutes(deps: ApiDeps): Router {
  const router = Router();

  /** Accounts are keys to everything: a portal session changes them only with a second factor proven lately. */
  function requireAdminNow(req: Request): void {
    requireAdmin(req);
    requireFreshSecondFactor(req);
  }

  router.post('/users', async (req, res) => {
    requireAdminNow(req);
    const body = parseBody(createUserBody, req.body);
    const passwordHash = await hashUserPassword(body.password);
    const user = await deps.store.transact(async (tx) => {
      const created = await tx.users.create({ email: body.email, name: body.name, passwordHash, admin: body.admin });
      if (created) await tx.audit(auditEntry(req, { installationId: null, action: 'user.created', target: created.email, changes: { admin: { to: created.admin } } }));
      return created;
    });
    if (!user) throw new ApiError('CONFLICT', 'A user with this email exists', [{ field: 'email', message: 'is already taken' }]);
    res.status(201).json(user);
  });

  router.get('/users', async (req, res) => {
    requireAdmin(req);
    const users = await deps.store.users.list();
    const enrolled = await deps.store.secondFactor.enrolledOf(users.map((u) => u.id));
    res.json({ items: users.map((u) => ({ ...u, secondFactor: enrolled.has(u.id) })) });
  });

  async function requireUser(req: Request, id: string): Promise<User> {
    requireAdminNow(req);
    const user = isPlausiblePathId(id) ? await deps.store.users.get(id) : undefined;
    if (!user) throw notFound('User');
    return user;
  }

  router.patch('/users/:id', async (req, res) => {
    const before = await requireUser(req, req.params.id);
    const body = parseBody(updateUserBody, req.body);
    const passwordHash = body.password === undefined ? undefined : await hashUserPassword(body.password);
    const after = await deps.store.transact(async (tx) => {
      if (body.admin === false && before.admin) await keepAnAdmin(tx);
      const updated = (await tx.users.update(before.id, { name: body.name, admin: body.admin, passwordHash }))!;
      if (passwordHash) await tx.userSessions.removeAllOf(before.id);
      const changes = {
        ...(updated.name !== before.name && { name: { from: before.name, to: updated.name } }),
        ...(updated.admin !== before.admin && { admin: { from: before.admin, to: updated.admin } }),
        ...(passwordHash && { password: { changed: true as const } }),
      };
      await tx.audit(auditEntry(req, { installationId: null, action: 'user.updated', target: before.email, changes }));
      return updated;
    });
    res.json(after);
  });

  router.delete('/users/:id', async (req, res) => {
    const user = await requireUser(req, req.params.id);
    const caller = callerOf(req);
    if (caller.kind === 'user' && caller.id === user.id) {
      throw new ApiError('CONFLICT', 'You cannot delete your own account', [{ field: 'id', message: 'is your own account' }]);
    }
    await deps.store.transact(async (tx) => {
      const sole = await tx.users.soleOwnerships(user.id);
      if (sole.length > 0) throw new ApiError('LAST_OWNER', undefined, sole.map((s) => ({ field: 'id', message: `is the only owner of ${s.name}` })));
      if (user.admin) await keepAnAdmin(tx);
      await tx.users.remove(user.id);
      await tx.audit(auditEntry(req, { installationId: null, action: 'user.deleted', target: user.email }));
    });
    res.status(204).end();
  });

  // A lost authenticator: the user signs in with the password alone and enrols again.
  router.delete('/users/:id/second-factor', async (req, res) => {
    const user = await requireUser(req, req.params.id);
    await deps.store.transact(async (tx) => {
      await tx.secondFactor.remove(user.id);
      await tx.userSessions.removeAllOf(user.id);
      await tx.audit(auditEntry(req, { installationId: null, action: 'user.second_factor_reset', target: user.email }));
    });
    res.status(204).end();
  });

  return router;
}

/** Refuses to take away the last operator admin (the one who could give it back). */
async function keepAnAdmin(tx: Store): Promise<void> {
  if ((await tx.users.adminCount()) <= 1) throw new ApiError('LAST_ADMIN', undefined, [{ field: 'admin', message: 'belongs to the only admin' }]);
}
