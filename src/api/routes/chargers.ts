import { Router } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { ApiError, notFound } from '../errors.js';
import { parseBody } from '../validate.js';
import { chargerIdField } from './fields.js';
import { changeChargerSetting, chargerView, disconnect, requireCharger, requireInstallation } from './lookups.js';
import type { Unit } from '../../store/index.js';
import { auditEntry } from '../audit.js';
import { ocppUrlsFor } from '../ocppUrls.js';
import { REGISTRATIONS } from '../../store/chargers.js';

export const registerChargerBody = z.strictObject({ id: chargerIdField });

export const chargerRegistrationBody = z.strictObject({
  registration: z.enum(REGISTRATIONS, { error: 'must be accepted, pending or rejected' }),
});

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

  /**
   * How the charger's BootNotification is answered. A connected charger is asked to boot again
   * (TriggerMessage BootNotification, OCPP 2.0.1 B02/F06) so the change applies now, not at its next retry.
   */
  router.put('/chargers/:id/registration', async (req, res) => {
    const charger = await requireCharger(deps, req, req.params.id);
    const { registration } = parseBody(chargerRegistrationBody, req.body);
    const write = (tx: Unit) => tx.chargers.setRegistration(charger.id, registration);
    await changeChargerSetting(deps, req, charger, { key: 'registration', to: registration, action: 'charger.registration_changed', write });
    const rebooting = charger.registration !== registration && (await askToBoot(deps, charger.id));
    res.json({ ...chargerView(deps, (await chargers.get(charger.id))!), bootTriggered: rebooting });
  });

  router.get('/chargers/:id/security-events', async (req, res) => {
    const charger = await requireCharger(deps, req, req.params.id);
    res.json({ items: await deps.store.securityEvents.list(charger.id) });
  });

  return router;
}

/** Whether a connected charger (on any node) accepted to send BootNotification again. */
async function askToBoot(deps: ApiDeps, chargerId: string): Promise<boolean> {
  try {
    const answer = (await deps.commands.send(chargerId, 'TriggerMessage', { requestedMessage: 'BootNotification' })) as { status?: string };
    return answer.status === 'Accepted';
  } catch {
    // Offline, or it refused: it boots with the new registration when it next connects or retries.
    return false;
  }
}
