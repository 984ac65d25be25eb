import type { HttpClient } from '../http/client.js';
import { callProviderForTest, type ProviderTestSteps } from '../providers/authenticationTest.js';
import type { IdTag } from '../store/idTags.js';
import { PROVIDER_MODE, type ProviderSettings } from '../store/installations.js';
import { createAuthorizer } from './chain.js';
import type { DecisionCache } from './decisionCache.js';
import { nativeAuthorizer } from './native.js';
import { offlinePolicy } from './offlinePolicy.js';
import { toDecision } from './provider.js';
import type { SettingsSource } from './settings.js';
import type { Authorizer, Decision } from './types.js';

export interface AuthenticationTestReport extends Omit<ProviderTestSteps, 'outcome'> {
  decision: Pick<Decision, 'status' | 'source' | 'reason'>;
}

/** The charger id a test call carries: no charger is involved. */
export const TEST_CHARGER_ID = '(test)';

export interface AuthenticationTestDeps {
  http: HttpClient;
  /** Read only: a recent acceptance still counts when the provider is unreachable, as it would for a charger. */
  cache: Pick<DecisionCache, 'acceptedWhileUnreachable'>;
  findIdTag(installationId: string, idTag: string): Promise<IdTag | undefined>;
}

/**
 * The portal's Test button: the decision an Authorize for `idTag` would get with these settings,
 * from the chain's own links (provider, offline policy, native id tags). The provider is always
 * called (no cached decision, no breaker) and nothing is remembered or started.
 */
export function createAuthenticationTest(deps: AuthenticationTestDeps) {
  return async (settings: ProviderSettings, idTag: string): Promise<AuthenticationTestReport> => {
    let steps: ProviderTestSteps = { token: null, sessionStart: null };
    const fixed: SettingsSource = { get: async () => settings, forget: () => undefined };
    const provider: Authorizer = async (req) => {
      if (settings.mode !== PROVIDER_MODE) return undefined;
      steps = await callProviderForTest(deps.http, settings, { trigger: 'Authorize', installationId: req.installationId, chargerId: req.chargerId, idTag: req.idTag, offline: false });
      return steps.outcome && toDecision(steps.outcome);
    };
    const cache = { ...deps.cache, fresh: () => undefined, remember: () => undefined, forgetInstallation: () => undefined };
    const authorize = createAuthorizer({
      authorizers: [provider, offlinePolicy({ settings: fixed, cache }), nativeAuthorizer({ findIdTag: deps.findIdTag })],
    });
    const d = await authorize({ installationId: settings.installationId, chargerId: TEST_CHARGER_ID, idTag, trigger: 'Authorize' });
    return { token: steps.token, sessionStart: steps.sessionStart, decision: { status: d.status, source: d.source, reason: d.reason } };
  };
}

export type AuthenticationTest = ReturnType<typeof createAuthenticationTest>;
