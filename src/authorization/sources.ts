import type { SettingsSource } from './settings.js';
import type { Authorizer, Decision } from './types.js';

/** The sources an installation can ask, by the names the API and portal use. */
export const SOURCE_NAMES = ['native', 'webhook', 'ocpi'] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

/** Without a chosen order: the provider (and its offline policy), then the native id tags, as before OCPI. */
export const DEFAULT_ORDER: readonly SourceName[] = ['webhook', 'native'];

/**
 * The chain's sources in the installation's chosen order: each name stands for its links (the
 * webhook provider for itself and its offline policy), run until one gives a final decision.
 */
export function orderedSources(deps: { order: SettingsSource<readonly SourceName[]>; sources: Record<SourceName, Authorizer[]> }): Authorizer {
  return async (req, current) => {
    const order = (await deps.order.get(req.installationId)) ?? DEFAULT_ORDER;
    let decision: Decision = current;
    for (const name of order) {
      for (const authorizer of deps.sources[name]) {
        const next = await authorizer(req, decision);
        if (!next) continue;
        decision = next;
        if (next.final) return decision;
      }
    }
    return decision;
  };
}
