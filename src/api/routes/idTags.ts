import { Router } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { notFound } from '../errors.js';
import { parseBody } from '../validate.js';
import { ID_TAG_MAX, idTagField, idTokenTypeField, isPlausiblePathId, parentIdTagField } from './fields.js';
import { requireInstallation } from './lookups.js';
import { envelope } from '../../notifications/record.js';
import type { IdTag } from '../../store/idTags.js';
import { auditEntry, changesBetween } from '../audit.js';

export const putIdTagBody = z.strictObject({
  idTag: idTagField,
  status: z.enum(['Accepted', 'Blocked', 'Expired']).default('Accepted'),
  // Stored as UTC like every other time, and echoed to chargers in IdTagInfo.expiryDate.
  expiryDate: z.iso
    .datetime({ offset: true, error: 'must be an RFC 3339 date-time with a time zone, e.g. 2030-01-01T00:00:00Z' })
    .transform((v) => new Date(v).toISOString())
    .nullable()
    .optional(),
  parentIdTag: parentIdTagField.nullable().optional(),
  // A 2.0.1 token of another type does not match; 1.6 id tags carry no type and match any.
  type: idTokenTypeField.nullable().optional(),
});

const tagPath = (installationId: string, idTag: string) =>
  `/api/installations/${installationId}/id-tags/${encodeURIComponent(idTag)}`;

function idTagChanged(installationId: string, change: 'created' | 'updated' | 'deleted', tag: IdTag) {
  return envelope('id_tag.changed', installationId, undefined, {
    change,
    idTag: tag.idTag,
    status: change === 'deleted' ? null : tag.status,
    expiryDate: tag.expiryDate,
    parentIdTag: tag.parentIdTag,
    type: tag.type,
  });
}

export function idTagRoutes(deps: ApiDeps): Router {
  const router = Router();
  const { idTags } = deps.store;

  // POST replaces a tag with the same spelling in any case (IdToken is case-insensitive): 201 new, 200 replaced.
  router.post('/installations/:id/id-tags', async (req, res) => {
    const installation = await requireInstallation(deps, req, req.params.id);
    const input = parseBody(putIdTagBody, req.body);
    const { tag, created } = await deps.store.transact(async (tx) => {
      const before = await tx.idTags.find(installation.id, input.idTag);
      const r = await tx.idTags.upsert(installation.id, input);
      const action = r.created ? 'id_tag.created' : 'id_tag.updated';
      await tx.audit(auditEntry(req, { installationId: installation.id, action, target: r.tag.idTag, changes: changesBetween(before, r.tag) }));
      tx.emit(idTagChanged(installation.id, r.created ? 'created' : 'updated', r.tag));
      return r;
    });
    deps.hooks.idTagsChanged(installation.id);
    if (created) res.status(201).location(tagPath(installation.id, tag.idTag));
    res.json(tag);
  });

  router.get('/installations/:id/id-tags', async (req, res) => {
    const installation = await requireInstallation(deps, req, req.params.id);
    res.json({ items: await idTags.list(installation.id) });
  });

  router.get('/installations/:id/id-tags/:idTag', async (req, res) => {
    const installation = await requireInstallation(deps, req, req.params.id);
    const { idTag } = req.params;
    const tag = isPlausiblePathId(idTag, ID_TAG_MAX) ? await idTags.find(installation.id, idTag) : undefined;
    if (!tag) throw notFound('Id tag');
    res.json(tag);
  });

  router.delete('/installations/:id/id-tags/:idTag', async (req, res) => {
    const installation = await requireInstallation(deps, req, req.params.id);
    const { idTag } = req.params;
    const existing = isPlausiblePathId(idTag, ID_TAG_MAX) ? await idTags.find(installation.id, idTag) : undefined;
    if (!existing) throw notFound('Id tag');
    const removed = await deps.store.transact(async (tx) => {
      const ok = await tx.idTags.remove(installation.id, idTag);
      if (!ok) return false;
      await tx.audit(auditEntry(req, { installationId: installation.id, action: 'id_tag.deleted', target: existing.idTag }));
      tx.emit(idTagChanged(installation.id, 'deleted', existing));
      return true;
    });
    if (!removed) throw notFound('Id tag');
    deps.hooks.idTagsChanged(installation.id);
    res.status(204).end();
  });

  return router;
}
