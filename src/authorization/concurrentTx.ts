import { startsSession, type Guard } from './types.js';

export interface ConcurrentTxDeps {
  /** True when the tag has an active transaction on another charger or connector. */
  hasActiveElsewhere(installationId: string, idTag: string, chargerId: string, connectorId: number): Promise<boolean>;
}

/** One card, one transaction: a second start elsewhere with the same tag gets ConcurrentTx. */
export function concurrentTxGuard({ hasActiveElsewhere }: ConcurrentTxDeps): Guard {
  return async (req, decision) => {
    if (!startsSession(req.trigger) || req.connectorId === undefined) return decision;
    const busy = await hasActiveElsewhere(req.installationId, req.idTag, req.chargerId, req.connectorId);
    if (!busy) return decision;
    return { ...decision, status: 'ConcurrentTx', reason: 'concurrent_tx', final: true };
  };
}
