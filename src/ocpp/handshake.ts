import type { Socket } from 'node:net';
import type { OcppDeps } from './context.js';
import { createAuthThrottle } from './authThrottle.js';
import { OCPP_ENDPOINT } from './upgrade.js';
import type { OnlineBefore, Registration } from '../store/chargers.js';

export type HandshakeResult =
  | { ok: true; chargerId: string; installationId: string; registration: Registration; before: OnlineBefore }
  | { ok: false; status: number; message: string };

export interface HandshakeFacts {
  endpoint: string;
  chargerId: string;
  password: Buffer | undefined;
  remoteAddress: string | undefined;
  socket: Socket;
}

export type ResolveCharger = (facts: HandshakeFacts) => Promise<HandshakeResult>;

/**
 * Which installation a connecting charger belongs to (unknown ones are refused unless configured
 * otherwise), and whether it passes its security profile.
 */
export function chargerResolver(deps: OcppDeps): ResolveCharger {
  const defaultInstallation = defaultInstallationOnce(deps);
  const throttle = createAuthThrottle(deps.store.chargerAuthFailures, deps.log);
  return async (f) => {
    if (f.endpoint !== OCPP_ENDPOINT || f.chargerId === '') return { ok: false, status: 404, message: 'Not found' };
    // One read for a known charger: its installation and what it held before come with its credentials.
    const credentials = (await deps.store.chargers.credentials(f.chargerId)) ?? (await registerUnknown(deps, defaultInstallation, f.chargerId));
    if ('ok' in credentials) return credentials;
    const verdict = await throttle.check(credentials, { chargerId: f.chargerId, password: f.password, socket: f.socket, remoteAddress: f.remoteAddress });
    if (verdict === 'throttled') return { ok: false, status: 429, message: 'Too many failed attempts' };
    if (!verdict.ok) {
      deps.log.warn({ chargerId: f.chargerId, remoteAddress: f.remoteAddress, profile: verdict.profile, reason: verdict.reason }, 'charger failed its security profile');
      return { ok: false, status: 401, message: 'Unauthorized' };
    }
    const { installationId, registration, before } = credentials;
    return { ok: true, chargerId: f.chargerId, installationId, registration, before };
  };
}

type Refused = Extract<HandshakeResult, { ok: false }>;

/** A charger the gateway does not know: refused, or registered into the default installation when so configured (then its credentials). */
async function registerUnknown(deps: OcppDeps, defaultInstallationId: () => Promise<string>, chargerId: string) {
  if (!deps.config.acceptUnknownChargers) return { ok: false, status: 404, message: 'Unknown charger' } satisfies Refused;
  const installationId = await defaultInstallationId();
  // A concurrent handshake may have registered it first; either way it exists now.
  await deps.store.chargers.create(installationId, chargerId, deps.config.unknownChargerRegistration);
  const credentials = await deps.store.chargers.credentials(chargerId);
  if (!credentials) return { ok: false, status: 500, message: 'Charger registration failed' } satisfies Refused;
  deps.log.warn({ chargerId, installationId: credentials.installationId, registration: credentials.registration }, 'unknown charger registered into the default installation');
  return credentials;
}

/** One creation however many unknown chargers connect at once. */
function defaultInstallationOnce(deps: OcppDeps): () => Promise<string> {
  let pending: Promise<string> | undefined;
  return () => {
    pending ??= (async () => {
      const name = deps.config.defaultInstallationName;
      const found = await deps.store.installations.findByName(name);
      return (found ?? (await deps.store.installations.create({ name }))).id;
    })().finally(() => {
      pending = undefined;
    });
    return pending;
  };
}
