import { Router } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { ApiError, notFound } from '../errors.js';
import { parseBody } from '../validate.js';
import { chargerIdField } from './fields.js';
import { chargerView, disconnect, requireCharger, requireInstallation } from './lookups.js';
import { auditEntry } from '../audit.js';
import { ocppUrlsFor } from '../ocppUrls.js';

export const registerChargerBody = z.strictObject({ id: chargerIdField });

export function chargerRoutes(deps: ApiDeps): Router {
  const router = Router();
  const { chargers, anomalies } = deps.store;

  router.post('/installations/:id/chargers', async (req, res) => {
    const installation = await requireInstallation(deps, req, req.params.id);
    const { id } = parseBody(registerChargerBody, req.body);
    const charger = await deps.store.transact(async (tx) => {
      const created = await tx.chargers.create(installation.id, id);
      if (created) await tx.audit(auditEntry(req, { installationId: installation.id, action: 'charger.registered', target: id }));
      return created;
    });
    // Ids are global: a charger connects by id alone, so the same id cannot sit in two installations.
    if (!charger) {
      throw new ApiError('CONFLICT', `Charger ${id} is already registered`, [{ field: 'id', message: 'is already registered' }]);
    }
    res.status(201).location(`/api/chargers/${encodeURIComponent(id)}`).json(chargerView(deps, charger));
  });

  router.get('/installations/:id/chargers', async (req, res) => {
    const installation = await requireInstallation(deps, req, req.params.id);
    const items = await chargers.listByInstallation(installation.id);
    res.json({ items: items.map((c) => chargerView(deps, c)) });
  });

  router.delete('/installations/:id/chargers/:chargerId', async (req, res) => {
    const installation = await requireInstallation(deps, req, req.params.id);
    const charger = await requireCharger(deps, req, req.params.chargerId, installation.id);
    const removed = await deps.store.transact(async (tx) => {
      const ok = await tx.chargers.remove(charger.id);
      if (ok) await tx.audit(auditEntry(req, { installationId: installation.id, action: 'charger.removed', target: charger.id }));
      return ok;
    });
    if (!removed) throw notFound('Charger');
    // Removed first, so a reconnect after the close is refused at the handshake.
    disconnect(deps, charger.id, 'Charger removed');
    res.status(204).end();
  });

  router.get('/chargers/:id', async (req, res) => {
    const charger = await requireCharger(deps, req, req.params.id);
    const [connectors, anomalyList] = await Promise.all([chargers.connectors(charger.id), anomalies.list(charger.id)]);
    const ocppUrls = ocppUrlsFor(charger.id, req, deps.config, deps.ocppListening);
    res.json({ ...chargerView(deps, charger), connectors, anomalies: anomalyList, ocppUrls });
  });

  router.get('/chargers/:id/security-events', async (req, res) => {
    const charger = await requireCharger(deps, req, req.params.id);
    res.json({ items: await deps.store.securityEvents.list(charger.id) });
  });

  return router;
}
