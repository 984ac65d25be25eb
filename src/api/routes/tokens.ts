import { Router, type Request } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { ApiError, notFound } from '../errors.js';
import { parseBody } from '../validate.js';
import { auditEntry } from '../audit.js';
import { callerOf } from '../caller.js';
import { mayAct, requireFreshSecondFactor } from '../scope.js';
import { installationIdField, isPlausiblePathId } from './fields.js';
import { generateToken, type ApiToken } from '../../store/apiTokens.js';

export const createTokenBody = z.strictObject({
  label: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  role: z.enum(['admin', 'owner', 'service'], { error: 'must be admin, owner or service' }),
  installations: z.array(installationIdField).max(1000, 'must name at most 1000 installations').default([]),
});

/** A non-admin sees (and may revoke) the tokens that reach only installations they own. */
function visible(req: Request, token: ApiToken): boolean {
  const caller = callerOf(req);
  if (caller.admin) return true;
  return token.role !== 'admin' && token.installations.length > 0 && token.installations.every((id) => mayAct(caller, id, 'owner'));
}

/** API tokens for programmatic access: scoped to installations and a role, stored hashed, shown once. */
export function tokenRoutes(deps: ApiDeps): Router {
  const router = Router();
  const { apiTokens } = deps.store;

  async function checkInstallations(req: Request, ids: string[]): Promise<void> {
    const caller = callerOf(req);
    if (ids.length === 0) throw new ApiError('VALIDATION_FAILED', 'installations is empty', [{ field: 'installations', message: 'must name at least one installation' }]);
    for (const [i, id] of ids.entries()) {
      // Missing and not owned read the same, so a token request cannot probe for installations.
      if (!mayAct(caller, id, 'owner') || !(await deps.store.installations.get(id))) {
        throw new ApiError('VALIDATION_FAILED', 'installations names an installation you do not own', [{ field: `installations.${i}`, message: 'names no installation you own' }]);
      }
    }
  }

  // A token is a credential: a portal session mints one only with a second factor proven lately.
  router.post('/tokens', async (req, res) => {
    requireFreshSecondFactor(req);
    const body = parseBody(createTokenBody, req.body);
    if (body.role === 'admin' && !callerOf(req).admin) throw new ApiError('VALIDATION_FAILED', 'Only an admin may create admin tokens', [{ field: 'role', message: 'must be owner or service' }]);
    const installations = body.role === 'admin' ? [] : [...new Set(body.installations)];
    if (body.role !== 'admin') await checkInstallations(req, installations);
    const token = generateToken();
    const stored = await deps.store.transact(async (tx) => {
      const created = await tx.apiTokens.add(body.label, token, { role: body.role, installations, createdBy: callerOf(req).kind === 'user' ? callerOf(req).id : null });
      const changes = { role: { to: body.role } };
      for (const installationId of installations.length ? installations : [null]) {
        await tx.audit(auditEntry(req, { installationId, action: 'token.created', target: body.label, changes }));
      }
      return created;
    });
    // The token is shown this once; only its hash is kept.
    res.status(201).json({ id: stored.id, label: stored.label, role: stored.role, installations: stored.installations, createdAt: stored.createdAt, token });
  });

  router.get('/tokens', async (req, res) => {
    res.json({ items: (await apiTokens.list()).filter((t) => visible(req, t)) });
  });

  router.delete('/tokens/:id', async (req, res) => {
    const token = isPlausiblePathId(req.params.id) ? await apiTokens.get(req.params.id) : undefined;
    if (!token || !visible(req, token)) throw notFound('Token');
    await deps.store.transact(async (tx) => {
      await tx.apiTokens.remove(token.id);
      for (const installationId of token.installations.length ? token.installations : [null]) {
        await tx.audit(auditEntry(req, { installationId, action: 'token.revoked', target: token.label }));
      }
    });
    res.status(204).end();
  });

  return router;
}
