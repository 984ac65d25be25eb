import { Router } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { ApiError, notFound } from '../errors.js';
import { parseBody } from '../validate.js';
import { auditEntry } from '../audit.js';
import { emailField, isPlausiblePathId, roleField } from './fields.js';
import { requireInstallation } from './lookups.js';
import type { Store } from '../../store/index.js';

export const addMemberBody = z.strictObject({ email: emailField, role: roleField });
export const updateMemberBody = z.strictObject({ role: roleField });

/** Who may work on an installation, and as what: the owner's business (and the operator's). */
export function memberRoutes(deps: ApiDeps): Router {
  const router = Router();
  const { users } = deps.store;

  router.get('/installations/:id/members', async (req, res) => {
    const installation = await requireInstallation(deps, req, req.params.id, 'owner');
    // A bare array, as the portal contract (/tmp/gaps/auth-contract.md) has it.
    res.json(await users.members(installation.id));
  });

  router.post('/installations/:id/members', async (req, res) => {
    const installation = await requireInstallation(deps, req, req.params.id, 'owner');
    const { email, role } = parseBody(addMemberBody, req.body);
    const user = await users.findByEmail(email);
    if (!user) throw new ApiError('NOT_FOUND', 'No user has this email', [{ field: 'email', message: 'names no user' }]);
    const before = await users.member(installation.id, user.id);
    await deps.store.transact(async (tx) => {
      if (before?.role === 'owner' && role !== 'owner') await keepAnOwner(tx, installation.id, user.id, 'role');
      await tx.users.setMember(installation.id, user.id, role);
      await tx.audit(auditEntry(req, {
        installationId: installation.id,
        action: before ? 'member.updated' : 'member.added',
        target: user.email,
        changes: { role: { ...(before && { from: before.role }), to: role } },
      }));
    });
    res.status(before ? 200 : 201).json(await users.member(installation.id, user.id));
  });

  router.patch('/installations/:id/members/:userId', async (req, res) => {
    const installation = await requireInstallation(deps, req, req.params.id, 'owner');
    const { role } = parseBody(updateMemberBody, req.body);
    const before = isPlausiblePathId(req.params.userId) ? await users.member(installation.id, req.params.userId) : undefined;
    if (!before) throw notFound('Member');
    await deps.store.transact(async (tx) => {
      if (before.role === 'owner' && role !== 'owner') await keepAnOwner(tx, installation.id, before.userId, 'role');
      await tx.users.setMember(installation.id, before.userId, role);
      await tx.audit(auditEntry(req, { installationId: installation.id, action: 'member.updated', target: before.email, changes: { role: { from: before.role, to: role } } }));
    });
    res.json({ ...before, role });
  });

  router.delete('/installations/:id/members/:userId', async (req, res) => {
    const installation = await requireInstallation(deps, req, req.params.id, 'owner');
    const before = isPlausiblePathId(req.params.userId) ? await users.member(installation.id, req.params.userId) : undefined;
    if (!before) throw notFound('Member');
    await deps.store.transact(async (tx) => {
      if (before.role === 'owner') await keepAnOwner(tx, installation.id, before.userId, 'userId');
      await tx.users.removeMember(installation.id, before.userId);
      await tx.audit(auditEntry(req, { installationId: installation.id, action: 'member.removed', target: before.email, changes: { role: { from: before.role } } }));
    });
    res.status(204).end();
  });

  return router;
}

/**
 * An installation that has owners keeps one: without, only an operator admin could manage its
 * people again. (One created by an admin may start with none.)
 */
async function keepAnOwner(tx: Store, installationId: string, userId: string, field: string): Promise<void> {
  const sole = (await tx.users.soleOwnerships(userId)).some((s) => s.installationId === installationId);
  if (sole) throw new ApiError('LAST_OWNER', undefined, [{ field, message: 'is the only owner of this installation' }]);
}
