// Fakes the authorization links are built with in unit tests: no network, no database, a clock
// that moves only when told.

import type { SettingsSource } from '../../src/authorization/settings.js';
import type { AuthorizationRequest, Decision } from '../../src/authorization/types.js';
import type { IdTag } from '../../src/store/idTags.js';
import type { ProviderSettings } from '../../src/store/installations.js';

export const SITE = 'inst-1';
export const T0 = Date.parse('2030-01-01T00:00:00.000Z');
export const HOUR = 3_600_000;

/** An instant `ms` after T0, as the ISO text providers and the id tag list carry. */
export const at = (ms: number) => new Date(T0 + ms).toISOString();

export function clock() {
  let t = T0;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

export function request(over: Partial<AuthorizationRequest> = {}): AuthorizationRequest {
  return { installationId: SITE, chargerId: 'CP-1', idTag: 'CARD', trigger: 'Authorize', ...over };
}

export function decision(status: Decision['status'], source: Decision['source'], reason: string, extra: Partial<Decision> = {}): Decision {
  return { status, source, reason, final: true, ...extra };
}

/** What the provider authorizer leaves when the provider gave no usable answer. */
export function unreachable(reason: string): Decision {
  return { status: 'Invalid', source: 'webhook', reason, final: false, providerUnreachable: true };
}

export function providerSettings(over: Partial<ProviderSettings> = {}): ProviderSettings {
  return {
    installationId: SITE,
    mode: 'webhook',
    authUrl: null,
    authPayload: null,
    sessionStartUrl: 'https://provider.test/session-start',
    sessionEndUrl: null,
    offlineAllow: false,
    timeoutMs: 2000,
    localList: { mode: 'off', recentDays: 30 },
    ...over,
  };
}

/** Every installation has these settings (under its own id); `reads` counts the look-ups. */
export function settingsOf(settings: ProviderSettings | undefined) {
  const source = {
    reads: 0,
    get: async (installationId: string) => {
      source.reads++;
      return settings && { ...settings, installationId };
    },
    forget: () => undefined,
  } satisfies SettingsSource & { reads: number };
  return source;
}

export function idTag(status: IdTag['status'], over: Partial<IdTag> = {}): IdTag {
  return { idTag: 'CARD', status, expiryDate: null, parentIdTag: null, type: null, createdAt: at(-HOUR), updatedAt: at(-HOUR), ...over };
}

export function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
