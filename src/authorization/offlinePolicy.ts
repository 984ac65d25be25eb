import { cachedToken, type DecisionCache } from './decisionCache.js';
import type { SettingsSource } from './settings.js';
import type { Authorizer } from './types.js';

/**
 * When the provider cannot be reached: a tag it accepted recently stays accepted; otherwise
 * the installation's "allow charging when offline" decides (Accepted, marked offline) or
 * the safe default holds (Invalid).
 */
export function offlinePolicy(deps: { settings: SettingsSource; cache: DecisionCache }): Authorizer {
  return async (req, current) => {
    if (!current.providerUnreachable) return undefined;
    const remembered = deps.cache.acceptedWhileUnreachable(req.installationId, cachedToken(req));
    if (remembered) return remembered;
    const settings = await deps.settings.get(req.installationId);
    if (settings?.offlineAllow) return { status: 'Accepted', source: 'offline', reason: `offline_allowed:${current.reason}`, final: true };
    return { status: 'Invalid', source: 'offline', reason: `offline_denied:${current.reason}`, final: true };
  };
}
