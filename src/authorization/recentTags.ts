import type { Logger } from '../log.js';
import type { RecentIdTag } from '../store/localLists.js';
import type { SettingsSource } from './settings.js';
import { PROVIDER_SOURCE, type AuthorizationRequest, type Decision } from './types.js';

export interface RecentTagDeps {
  settings: SettingsSource;
  remember(installationId: string, tag: RecentIdTag): Promise<{ created: boolean }>;
  /** A tag new to the installation's recent list: its chargers' lists change. */
  added(installationId: string): void;
  /** 0: provider decisions must not be reused, so none is kept for chargers either. */
  cacheTtlSec: number;
  log: Logger;
  now?: () => Date;
}

/** Only a fresh provider acceptance that may be kept: never one made offline, from the cache, or already expired. */
function keepable(d: Decision, now: Date, cacheTtlSec: number): boolean {
  if (d.source !== PROVIDER_SOURCE || d.status !== 'Accepted' || !d.final || cacheTtlSec === 0) return false;
  return !d.expiryDate || Date.parse(d.expiryDate) > now.getTime();
}

/**
 * Keeps the provider's acceptances for installations whose lists are native+recent. Runs after the
 * decision is handed back; a failed write costs the list one entry, never the charger its answer.
 */
export function recentTagRecorder(deps: RecentTagDeps): (req: AuthorizationRequest, decision: Decision) => void {
  const now = deps.now ?? (() => new Date());
  const record = async (req: AuthorizationRequest, d: Decision) => {
    const settings = await deps.settings.get(req.installationId);
    if (settings?.localList.mode !== 'native+recent') return;
    const tag = { idTag: req.idTag, idTokenType: req.idTokenType ?? null, expiryDate: d.expiryDate ?? null, parentIdTag: d.parentIdTag ?? null, lastUsedAt: now().toISOString() };
    const { created } = await deps.remember(req.installationId, tag);
    if (created) deps.added(req.installationId);
  };
  return (req, d) => {
    if (!keepable(d, now(), deps.cacheTtlSec)) return;
    record(req, d).catch((err) => deps.log.warn({ err, installationId: req.installationId }, 'recent id tag not kept'));
  };
}
