import type { Logger } from '../log.js';
import type { ProviderSettings } from '../store/installations.js';
import { idTagKey } from '../store/idTags.js';
import type { SessionStartRequest, StartOutcome } from '../providers/sessionStart.js';
import type { Breaker } from './breaker.js';
import { singleFlight } from './singleFlight.js';
import { cachedToken, type DecisionCache } from './decisionCache.js';
import type { AuthorizationMetrics } from './metrics.js';
import { usesProvider, type SettingsSource } from './settings.js';
import { PROVIDER_SOURCE, type AuthorizationRequest, type Authorizer, type Decision } from './types.js';

export interface ProviderAuthorizerDeps {
  settings: SettingsSource;
  cache: DecisionCache;
  breaker: Breaker;
  callSessionStart(settings: ProviderSettings, req: SessionStartRequest): Promise<StartOutcome>;
  log: Logger;
  /** Call latency; the decisions themselves are counted by the chain. */
  metrics: Pick<AuthorizationMetrics, 'providerCall'>;
}

/** A provider's answer as a decision; an unreachable one is non-final, for the offline policy. */
export function toDecision(outcome: StartOutcome): Decision {
  if (outcome.kind === 'allowed') {
    const { kind: _k, ...rest } = outcome;
    return { status: 'Accepted', source: PROVIDER_SOURCE, reason: 'provider_allowed', final: true, ...rest };
  }
  if (outcome.kind === 'refused') {
    const { kind: _k, status, reason, ...rest } = outcome;
    return { status, source: PROVIDER_SOURCE, reason, final: true, ...rest };
  }
  return { status: 'Invalid', source: PROVIDER_SOURCE, reason: outcome.reason, final: false, providerUnreachable: true };
}

/**
 * Asks the installation's provider (provider mode with a session start URL): a fresh cached
 * decision first, then one shared call per tag in flight, behind the circuit breaker. An
 * unreachable provider leaves a non-final decision for the offline links that follow.
 */
export function providerAuthorizer(deps: ProviderAuthorizerDeps): Authorizer {
  const flights = singleFlight<Decision>();

  async function ask(settings: ProviderSettings, req: AuthorizationRequest): Promise<Decision> {
    if (!deps.breaker.tryAcquire(settings.installationId)) {
      return { status: 'Invalid', source: PROVIDER_SOURCE, reason: 'breaker_open', final: false, providerUnreachable: true };
    }
    const started = performance.now();
    const outcome = await deps.callSessionStart(settings, {
      trigger: req.trigger,
      installationId: req.installationId,
      chargerId: req.chargerId,
      idTag: req.idTag,
      offline: req.late ?? false,
      ...(req.connectorId !== undefined && { connectorId: req.connectorId }),
      ...(req.transactionId !== undefined && { transactionId: req.transactionId }),
      ...(req.meterStart !== undefined && { meterStart: req.meterStart }),
      ...(req.idTokenType !== undefined && { idTokenType: req.idTokenType }),
      ...(req.ocppVersion !== undefined && { ocppVersion: req.ocppVersion }),
      ...(req.evseId !== undefined && { evseId: req.evseId }),
    });
    deps.metrics.providerCall(outcome.kind, (performance.now() - started) / 1000);
    if (outcome.kind === 'unreachable') {
      deps.breaker.failure(settings.installationId);
      deps.log.warn({ installationId: settings.installationId, reason: outcome.reason, detail: outcome.detail }, 'provider unreachable');
    } else {
      deps.breaker.success(settings.installationId);
    }
    const decision = toDecision(outcome);
    if (decision.final && !decision.noCache) deps.cache.remember(req.installationId, cachedToken(req), decision);
    return decision;
  }

  return async (req) => {
    const settings = await deps.settings.get(req.installationId);
    if (!usesProvider(settings)) return undefined;
    // A late start reports a session that already ran offline: the provider must hear of it.
    const cached = req.late ? undefined : deps.cache.fresh(req.installationId, cachedToken(req), req.trigger);
    if (cached) return cached;
    const key = `${req.installationId}\u0000${idTagKey(cachedToken(req))}\u0000${req.trigger}\u0000${req.chargerId}\u0000${req.connectorId ?? ''}`;
    return flights.run(key, () => ask(settings, req));
  };
}
