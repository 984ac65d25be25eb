import { Router } from 'express';
import type { ApiDeps } from '../deps.js';
import { requireCharger } from './lookups.js';

/** Reservations are made with POST /api/chargers/{id}/commands/ReserveNow; here they are listed, newest first. */
export function reservationRoutes(deps: ApiDeps): Router {
  const router = Router();
  router.get('/chargers/:id/reservations', async (req, res) => {
    const charger = await requireCharger(deps, req, req.params.id);
    res.json({ items: await deps.store.reservations.list(charger.id) });
  });
  return router;
}
