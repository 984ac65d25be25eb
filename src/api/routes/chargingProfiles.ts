import { Router } from 'express';
import type { ApiDeps } from '../deps.js';
import { requireCharger } from './lookups.js';

/** The charging profiles the gateway set on a charger (SetChargingProfile accepted, not cleared since). */
export function chargingProfileRoutes(deps: ApiDeps): Router {
  const router = Router();
  router.get('/chargers/:id/charging-profiles', async (req, res) => {
    const charger = await requireCharger(deps, req, req.params.id);
    res.json({ items: await deps.store.chargingProfiles.list(charger.id) });
  });
  return router;
}
