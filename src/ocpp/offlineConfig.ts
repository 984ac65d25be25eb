import type { Logger } from '../log.js';
import type { Store } from '../store/index.js';
import type { ChargerConnection } from './context.js';

/** The OCPP 1.6 keys that make a charger allow cards while it has no connection. */
const KEYS_16 = ['LocalAuthorizeOffline', 'AllowOfflineTxForUnknownId'] as const;

/**
 * Their OCPP 2.0.1 variables (Part 2, standardized components), and the authorization cache:
 * without the offline allowance a cached acceptance must not let a card charge either.
 */
const VARIABLES_201 = [
  { component: 'AuthCtrlr', variable: 'LocalAuthorizeOffline' },
  { component: 'AuthCtrlr', variable: 'OfflineTxForUnknownIdEnabled' },
  { component: 'AuthCacheCtrlr', variable: 'Enabled' },
] as const;

/** Both versions' word for "set": ConfigurationStatus and SetVariableStatusEnumType. */
const APPLIED = new Set(['Accepted', 'RebootRequired']);

export interface OfflineConfigResult {
  offlineAllow: boolean;
  /** Per key (1.6) or Component.Variable (2.0.1): what the charger answered. */
  results: Record<string, string>;
  applied: boolean;
  at: string;
}

type Push = (client: ChargerConnection, value: string, timeoutMs: number) => Promise<Record<string, string>>;

/** Pushes the installation's offlineAllow to one charger, in its version's terms, and records what it answered. */
export async function pushOfflineConfig(
  client: ChargerConnection,
  chargerId: string,
  offlineAllow: boolean,
  /** `log` is the charger's own logger: it carries the charger id. */
  deps: { store: Store; log: Logger; timeoutMs: number },
): Promise<OfflineConfigResult> {
  const push: Push = client.protocol === 'ocpp1.6' ? changeConfiguration : setVariables;
  const results = await push(client, String(offlineAllow), deps.timeoutMs);
  const applied = Object.values(results).every((status) => APPLIED.has(status));
  const result = { offlineAllow, results, applied, at: new Date().toISOString() };
  // Boots come in bursts (a restart reconnects every charger): their writes share commits.
  await deps.store.batched((tx) => tx.chargers.setOfflineConfig(chargerId, result));
  if (!applied) deps.log.warn({ results }, 'charger did not apply the offline setting');
  return result;
}

/** OCPP 1.6: one ChangeConfiguration per key. */
const changeConfiguration: Push = async (client, value, timeoutMs) => {
  const results: Record<string, string> = {};
  for (const key of KEYS_16) {
    try {
      const conf = (await client.call('ChangeConfiguration', { key, value }, { callTimeoutMs: timeoutMs })) as { status: string };
      results[key] = conf.status;
    } catch (err) {
      results[key] = `Error: ${(err as Error).message}`;
    }
  }
  return results;
};

interface SetVariableResult {
  attributeStatus: string;
  component: { name: string };
  variable: { name: string };
}

/** OCPP 2.0.1 and 2.1: one SetVariables with every variable; each gets its own status. */
const setVariables: Push = async (client, value, timeoutMs) => {
  const names = VARIABLES_201.map((v) => `${v.component}.${v.variable}`);
  const setVariableData = VARIABLES_201.map((v) => ({ attributeValue: value, component: { name: v.component }, variable: { name: v.variable } }));
  let answer: SetVariableResult[];
  try {
    answer = ((await client.call('SetVariables', { setVariableData }, { callTimeoutMs: timeoutMs })) as { setVariableResult: SetVariableResult[] }).setVariableResult;
  } catch (err) {
    return Object.fromEntries(names.map((name) => [name, `Error: ${(err as Error).message}`]));
  }
  const statusOf = (name: string) => answer.find((r) => `${r.component.name}.${r.variable.name}` === name)?.attributeStatus;
  return Object.fromEntries(names.map((name) => [name, statusOf(name) ?? 'Error: no result for this variable']));
};
