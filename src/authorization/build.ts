import type { Registry } from 'prom-client';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/index.js';
import { idTagKey } from '../store/idTags.js';
import type { ProviderSettings } from '../store/installations.js';
import type { SessionStartRequest, StartOutcome } from '../providers/sessionStart.js';
import { createBreaker } from './breaker.js';
import { createAuthorizer } from './chain.js';
import { concurrentTxGuard } from './concurrentTx.js';
import { reservationGuard } from './reservation.js';
import { createDecisionCache } from './decisionCache.js';
import { createAuthorizationMetrics, registerBreakerState, ROAMING_BREAKERS } from './metrics.js';
import { nativeAuthorizer } from './native.js';
import { offlinePolicy } from './offlinePolicy.js';
import { providerAuthorizer } from './provider.js';
import { createSettingsSource } from './settings.js';
import { cachedIdTags } from './idTagCache.js';
import { recentTagRecorder } from './recentTags.js';
import type { Authorize } from './chain.js';
import { createDecisionTally } from './decisionTally.js';
import { roamingAuthorizer, type RoamingDeps } from './roaming.js';
import { orderedSources, type SourceName } from './sources.js';

/** How often the dashboard's decision counts are added to the store. */
const DECISION_TALLY_MS = 2_000;

export interface AuthorizationDeps {
  config: Config;
  store: Store;
  log: Logger;
  /** Where the decision counts and provider latencies are registered (served at /metrics). */
  metrics: Registry;
  callSessionStart(settings: ProviderSettings, req: SessionStartRequest): Promise<StartOutcome>;
  /** A provider acceptance new to an installation's recent tags (native+recent local lists). */
  recentTagAdded(installationId: string): void;
  /** OCPI partners as a source; absent when OCPI is off. */
  roaming?: Pick<RoamingDeps, 'findTokens' | 'realtimePartners' | 'authorize'>;
}

/**
 * The chain, in the installation's chosen order of sources (by default: the provider in provider
 * mode with a start URL, cache first, and its offline policy, only when the provider could not be
 * reached; then the native id tags; OCPI partners where the owner adds them).
 * A start on a connector reserved for another tag, and ConcurrentTx, are checked on any acceptance.
 */
export function buildAuthorization({ config, store, log, metrics: registry, callSessionStart, recentTagAdded, roaming }: AuthorizationDeps) {
  const settings = createSettingsSource((id) => store.installations.providerSettings(id));
  const cache = createDecisionCache({ size: config.decisionCacheSize, ttlSec: config.decisionCacheTtlSec, staleSec: config.decisionCacheStaleSec });
  const breaker = createBreaker({ failures: config.breakerFailures, cooldownMs: config.breakerCooldownMs });
  const idTags = cachedIdTags((i, tag) => store.idTags.find(i, tag), { ttlMs: config.idTagCacheTtlMs });
  const metrics = createAuthorizationMetrics(registry);
  const order = createSettingsSource<readonly SourceName[]>(async (id) => ((await store.authSources.get(id)) as SourceName[] | null) ?? undefined);
  registerBreakerState(registry, breaker);
  const tally = createDecisionTally(store.decisionCounts, log, DECISION_TALLY_MS);
  // The same breaker, one circuit per OCPI partner, kept apart so each gauge names what it guards.
  const roamingBreaker = createBreaker({ failures: config.breakerFailures, cooldownMs: config.breakerCooldownMs });
  if (roaming) registerBreakerState(registry, roamingBreaker, ROAMING_BREAKERS);
  const chain = createAuthorizer({
    authorizers: [
      orderedSources({
        order,
        sources: {
          webhook: [providerAuthorizer({ settings, cache, breaker, callSessionStart, log, metrics }), offlinePolicy({ settings, cache })],
          native: [nativeAuthorizer({ findIdTag: idTags.find })],
          ocpi: roaming
            ? [roamingAuthorizer({ ...roaming, timeoutMs: async (id) => (await settings.get(id))?.timeoutMs ?? 3000, realtimeForAllowed: config.ocpiRealtimeForAllowed, cache, breaker: roamingBreaker, log })]
            : [],
        },
      }),
    ],
    guards: [
      reservationGuard({ heldFor: (chargerId, connectorId) => store.reservations.holding(chargerId, connectorId) }),
      ...(config.rejectConcurrentTx
        ? [concurrentTxGuard({ hasActiveElsewhere: (i, tag, c, n) => store.transactions.hasActiveElsewhere(i, idTagKey(tag), c, n) })]
        : []),
    ],
    decided(decision, req) {
      metrics.decided(decision);
      tally.add(req.installationId, decision.source);
    },
  });
  const keepRecent = recentTagRecorder({
    settings,
    remember: (i, tag) => store.localLists.rememberRecent(i, tag),
    added: recentTagAdded,
    cacheTtlSec: config.decisionCacheTtlSec,
    log,
  });
  const authorize: Authorize = async (req) => {
    const decision = await chain(req);
    keepRecent(req, decision);
    return decision;
  };
  return { authorize, settings, cache, breaker, idTags, tally, order };
}

export type Authorization = ReturnType<typeof buildAuthorization>;
