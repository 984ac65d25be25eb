import { Router } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../app.js';
import { ApiError } from '../errors.js';
import { parseBody } from '../validate.js';
import { requireAdmin } from '../scope.js';
import { withAudit } from '../audit.js';
import { emailField } from './fields.js';
import { hashUserPassword } from '../../users/login.js';

export const createUserBody = z.strictObject({
  email: emailField,
  name: z.string().trim().max(200, 'must be at most 200 characters').nullable().optional(),
  password: z.string().min(12, 'must be at least 12 characters').max(1024, 'must be at most 1024 characters'),
  admin: z.boolean().default(false),
});

/** Accounts are the operator's: admins create them, owners then add them to installations. */
export function userRoutes(deps: ApiDeps): Router {
  const router = Router();

  router.post('/users', async (req, res) => {
    requireAdmin(req);
    const body = parseBody(createUserBody, req.body);
    const passwordHash = await hashUserPassword(body.password);
    const user = await withAudit(deps.store, req, (tx) => tx.users.create({ email: body.email, name: body.name, passwordHash, admin: body.admin }), (created) =>
      created && { installationId: null, action: 'user.created', target: created.email, changes: { admin: { to: created.admin } } },
    );
    if (!user) throw new ApiError('CONFLICT', 'A user with this email exists', [{ field: 'email', message: 'is already taken' }]);
    res.status(201).json(user);
  });

  router.get('/users', async (req, res) => {
    requireAdmin(req);
    res.json({ items: await deps.store.users.list() });
  });

  return router;
}
