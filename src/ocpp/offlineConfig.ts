import type { Logger } from '../log.js';
import type { ChargerStore } from '../store/chargers.js';
import type { ChargerConnection } from './context.js';

/** The OCPP 1.6 keys that make a charger allow cards while it has no connection. */
const KEYS = ['LocalAuthorizeOffline', 'AllowOfflineTxForUnknownId'] as const;

export interface OfflineConfigResult {
  offlineAllow: boolean;
  results: Record<string, string>;
  applied: boolean;
  at: string;
}

/** Pushes the installation's offlineAllow to one charger and records what it answered. */
export async function pushOfflineConfig(
  client: ChargerConnection,
  chargerId: string,
  offlineAllow: boolean,
  /** `log` is the charger's own logger: it carries the charger id. */
  deps: { chargers: ChargerStore; log: Logger; timeoutMs: number },
): Promise<OfflineConfigResult> {
  const results: Record<string, string> = {};
  for (const key of KEYS) {
    try {
      const conf = (await client.call('ChangeConfiguration', { key, value: String(offlineAllow) }, { callTimeoutMs: deps.timeoutMs })) as {
        status: string;
      };
      results[key] = conf.status;
    } catch (err) {
      results[key] = `Error: ${(err as Error).message}`;
    }
  }
  const applied = KEYS.every((k) => results[k] === 'Accepted' || results[k] === 'RebootRequired');
  const result = { offlineAllow, results, applied, at: new Date().toISOString() };
  await deps.chargers.setOfflineConfig(chargerId, result);
  if (!applied) deps.log.warn({ results }, 'charger did not apply the offline setting');
  return result;
}
