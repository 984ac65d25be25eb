import type { OcppDeps } from './context.js';

export type HandshakeResult =
  | { ok: true; chargerId: string; installationId: string }
  | { ok: false; status: number; message: string };

/** Only /ocpp/{chargerId} is served. */
export const OCPP_ENDPOINT = '/ocpp';

export type ResolveCharger = (endpoint: string, chargerId: string) => Promise<HandshakeResult>;

/** Which installation a connecting charger belongs to; unknown ones are refused unless configured otherwise. */
export function chargerResolver(deps: OcppDeps): ResolveCharger {
  const defaultInstallation = defaultInstallationOnce(deps);
  return (endpoint, chargerId) => resolveCharger(deps, defaultInstallation, endpoint, chargerId);
}

async function resolveCharger(
  deps: OcppDeps,
  defaultInstallationId: () => Promise<string>,
  endpoint: string,
  chargerId: string,
): Promise<HandshakeResult> {
  if (endpoint !== OCPP_ENDPOINT || chargerId === '') return { ok: false, status: 404, message: 'Not found' };
  const charger = await deps.store.chargers.get(chargerId);
  if (charger) return { ok: true, chargerId, installationId: charger.installationId };
  if (!deps.config.acceptUnknownChargers) return { ok: false, status: 404, message: 'Unknown charger' };
  const installationId = await defaultInstallationId();
  // A concurrent handshake may have registered it first; either way it exists now.
  await deps.store.chargers.create(installationId, chargerId);
  const stored = await deps.store.chargers.get(chargerId);
  if (!stored) return { ok: false, status: 500, message: 'Charger registration failed' };
  deps.log.warn({ chargerId, installationId: stored.installationId }, 'unknown charger registered into the default installation');
  return { ok: true, chargerId, installationId: stored.installationId };
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
