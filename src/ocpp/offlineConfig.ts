import type { Logger } from '../log.js';
import type { Store } from '../store/index.js';
import type { ChargerConnection } from './context.js';

/** What the charger may do while it has no connection: decide from its list (or cache), and let unknown cards charge. */
export interface OfflineSetting {
  offlineAllow: boolean;
  /** The installation keeps a Local Authorization List on its chargers: they decide from it offline. */
  localList: boolean;
}

/** An installation's settings as its chargers' offline setting. */
export const offlineSettingOf = (s: { offlineAllow: boolean; localList: { mode: string } }): OfflineSetting => ({
  offlineAllow: s.offlineAllow,
  localList: s.localList.mode !== 'off',
});

/** Each key's value: deciding locally offline is on whenever cards may charge offline or a list is kept. */
const localAuthorizeOffline = (s: OfflineSetting) => s.offlineAllow || s.localList;

/** The OCPP 1.6 keys that make a charger allow cards while it has no connection. */
const KEYS_16 = [
  { key: 'LocalAuthorizeOffline', value: localAuthorizeOffline },
  { key: 'AllowOfflineTxForUnknownId', value: (s: OfflineSetting) => s.offlineAllow },
] as const;

/**
 * Their OCPP 2.0.1 variables (Part 2, standardized components), and the authorization cache:
 * without the offline allowance a cached acceptance must not let a card charge either.
 */
const VARIABLES_201 = [
  { component: 'AuthCtrlr', variable: 'LocalAuthorizeOffline', value: localAuthorizeOffline },
  { component: 'AuthCtrlr', variable: 'OfflineTxForUnknownIdEnabled', value: (s: OfflineSetting) => s.offlineAllow },
  { component: 'AuthCacheCtrlr', variable: 'Enabled', value: (s: OfflineSetting) => s.offlineAllow },
] as const;

/** Both versions' word for "set": ConfigurationStatus and SetVariableStatusEnumType. */
const APPLIED = new Set(['Accepted', 'RebootRequired']);

export interface OfflineConfigResult {
  offlineAllow: boolean;
  localList: boolean;
  /** Per key (1.6) or Component.Variable (2.0.1): what the charger answered, or `Unchanged` when it already held the value. */
  results: Record<string, string>;
  applied: boolean;
  at: string;
}

/** Whether `stored` (a charger's offlineConfig) says it applied this very setting. */
export function appliedBefore(stored: Record<string, unknown> | null | undefined, setting: OfflineSetting): boolean {
  return !!stored && stored.applied === true && stored.offlineAllow === setting.offlineAllow && stored.localList === setting.localList;
}

/** One value to hold: a 1.6 key, or a 2.0.1 component and variable. */
interface Item {
  name: string;
  value: string;
}

/** How one version reads and writes the items; results by item name. */
interface Dialect {
  items(setting: OfflineSetting): Item[];
  /** What the charger holds now, by item name; undefined when it would not say. */
  read(client: ChargerConnection, items: Item[], timeoutMs: number): Promise<Map<string, string> | undefined>;
  write(client: ChargerConnection, items: Item[], timeoutMs: number): Promise<Record<string, string>>;
}

export interface PushOptions {
  /**
   * The charger applied this setting before: read its values first and write only those that
   * differ (one round trip when nothing does; a reset or a firmware update may have undone them).
   */
  check?: boolean;
}

/** Pushes the installation's offlineAllow (and whether it keeps local lists) to one charger, in its version's terms, and records what it answered. */
export async function pushOfflineConfig(
  client: ChargerConnection,
  chargerId: string,
  setting: OfflineSetting,
  /** `log` is the charger's own logger: it carries the charger id. */
  deps: { store: Store; log: Logger; timeoutMs: number },
  opts: PushOptions = {},
): Promise<OfflineConfigResult> {
  const dialect = client.protocol === 'ocpp1.6' ? V16 : V201;
  const items = dialect.items(setting);
  const held = opts.check ? await dialect.read(client, items, deps.timeoutMs) : undefined;
  const differing = held ? items.filter((i) => held.get(i.name)?.toLowerCase() !== i.value) : items;
  const written = differing.length > 0 ? await dialect.write(client, differing, deps.timeoutMs) : {};
  const results = Object.fromEntries(items.map((i) => [i.name, written[i.name] ?? 'Unchanged']));
  const applied = Object.values(results).every((status) => status === 'Unchanged' || APPLIED.has(status));
  const result = { ...setting, results, applied, at: new Date().toISOString() };
  // Checked and found as it was: nothing new to record.
  if (differing.length === 0) return result;
  // Boots come in bursts (a restart reconnects every charger): their writes share commits.
  await deps.store.batched((tx) => tx.chargers.setOfflineConfig(chargerId, result));
  if (!applied) deps.log.warn({ results }, 'charger did not apply the offline setting');
  return result;
}

const errorText = (err: unknown) => `Error: ${(err as Error).message}`;

/** OCPP 1.6: one GetConfiguration for every key, one ChangeConfiguration per key. */
const V16: Dialect = {
  items: (setting) => KEYS_16.map(({ key, value }) => ({ name: key, value: String(value(setting)) })),
  async read(client, items, timeoutMs) {
    try {
      const conf = (await client.call('GetConfiguration', { key: items.map((i) => i.name) }, { callTimeoutMs: timeoutMs })) as {
        configurationKey?: { key: string; value?: string }[];
      };
      return new Map((conf.configurationKey ?? []).flatMap((k) => (k.value === undefined ? [] : [[k.key, k.value] as const])));
    } catch {
      return undefined;
    }
  },
  async write(client, items, timeoutMs) {
    const results: Record<string, string> = {};
    for (const { name, value } of items) {
      try {
        results[name] = ((await client.call('ChangeConfiguration', { key: name, value }, { callTimeoutMs: timeoutMs })) as { status: string }).status;
      } catch (err) {
        results[name] = errorText(err);
      }
    }
    return results;
  },
};

interface VariableResult {
  attributeStatus: string;
  attributeValue?: string;
  component: { name: string };
  variable: { name: string };
}

const variableOf = (name: string) => {
  const [component, variable] = name.split('.');
  return { component: { name: component }, variable: { name: variable } };
};
const nameOf = (r: VariableResult) => `${r.component.name}.${r.variable.name}`;

/** OCPP 2.0.1 and 2.1: one GetVariables or SetVariables with every variable; each gets its own status. */
const V201: Dialect = {
  items: (setting) => VARIABLES_201.map((v) => ({ name: `${v.component}.${v.variable}`, value: String(v.value(setting)) })),
  async read(client, items, timeoutMs) {
    try {
      const answer = (await client.call('GetVariables', { getVariableData: items.map((i) => variableOf(i.name)) }, { callTimeoutMs: timeoutMs })) as {
        getVariableResult: VariableResult[];
      };
      return new Map(answer.getVariableResult.flatMap((r) => (r.attributeStatus === 'Accepted' && r.attributeValue !== undefined ? [[nameOf(r), r.attributeValue] as const] : [])));
    } catch {
      return undefined;
    }
  },
  async write(client, items, timeoutMs) {
    const setVariableData = items.map((i) => ({ attributeValue: i.value, ...variableOf(i.name) }));
    let answer: VariableResult[];
    try {
      answer = ((await client.call('SetVariables', { setVariableData }, { callTimeoutMs: timeoutMs })) as { setVariableResult: VariableResult[] }).setVariableResult;
    } catch (err) {
      return Object.fromEntries(items.map((i) => [i.name, errorText(err)]));
    }
    const statusOf = (name: string) => answer.find((r) => nameOf(r) === name)?.attributeStatus;
    return Object.fromEntries(items.map((i) => [i.name, statusOf(i.name) ?? 'Error: no result for this variable']));
  },
};
