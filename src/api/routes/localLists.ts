import { Router } from 'express';
import type { ApiDeps } from '../deps.js';
import { requireCharger } from './lookups.js';
import { ApiError } from '../errors.js';
import { auditEntry } from '../audit.js';
import type { ChargerLocalList } from '../../store/localLists.js';
import type { LocalListMode } from '../../store/installations.js';

export interface LocalListView extends Omit<ChargerLocalList, 'updatedAt'> {
  /** The installation's setting, which the list follows. */
  mode: LocalListMode;
  updatedAt: string | null;
}

/** A charger the gateway never sent a list: off, or waiting for its turn (it is offline, or has just connected). */
function notYetSent(chargerId: string, mode: LocalListMode): LocalListView {
  return {
    chargerId, mode, state: mode === 'off' ? 'off' : 'syncing', version: 0, contentHash: null, entries: [], answer: null,
    maxLength: null, sendMaxLength: null, bytesPerMessage: null, syncedAt: null, updatedAt: null,
  };
}

export function localListRoutes(deps: ApiDeps): Router {
  const router = Router();

  router.get('/chargers/:id/local-list', async (req, res) => {
    const charger = await requireCharger(deps, req, req.params.id);
    const [installation, list] = await Promise.all([deps.store.installations.get(charger.installationId), deps.store.localLists.get(charger.id)]);
    const mode = installation?.localList.mode ?? 'off';
    res.json(list ? { ...list, mode } : notYetSent(charger.id, mode));
  });

  // Version 0 (none confirmed) makes the next sync send the whole list as Full, from the charger's own version on.
  router.post('/chargers/:id/local-list/sync', async (req, res) => {
    const charger = await requireCharger(deps, req, req.params.id);
    const installation = await deps.store.installations.get(charger.installationId);
    const mode = installation?.localList.mode ?? 'off';
    if (mode === 'off') throw new ApiError('LOCAL_LIST_OFF', `Installation ${charger.installationId} keeps no local lists (localList.mode is off)`);
    const list = await deps.store.transact(async (tx) => {
      await tx.audit(auditEntry(req, { installationId: charger.installationId, action: 'charger.local_list_resync', target: charger.id }));
      return tx.localLists.save(charger.id, { state: 'syncing', version: 0 });
    });
    deps.hooks.localListResync(charger.installationId);
    res.status(202).json({ ...list, mode });
  });

  return router;
}
