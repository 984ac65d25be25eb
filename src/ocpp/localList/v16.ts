import type { ListProtocol } from './protocol.js';
import { count, isTrue } from './protocol.js';
import type { ChargerConnection } from '../connectionRegistry.js';

/** OCPP 1.6 Local Auth List Management profile: GetConfiguration keys, GetLocalListVersion, SendLocalList. */
const KEYS = ['LocalAuthListEnabled', 'LocalAuthListMaxLength', 'SendLocalListMaxLength', 'LocalAuthorizeOffline'] as const;

interface GetConfigurationConf {
  configurationKey?: { key: string; value?: string }[];
  unknownKey?: string[];
}

/** IdToken is CiString20Type in 1.6; the gateway keeps tags up to 2.0.1's 36. */
const ID_TAG_MAX = 20;

/** ChangeConfiguration to true, unless the charger reads true already; answers its status. */
async function switchOn(client: ChargerConnection, key: string, value: string | undefined, timeoutMs: number): Promise<string> {
  if (isTrue(value)) return 'Accepted';
  const set = (await client.call('ChangeConfiguration', { key, value: 'true' }, { callTimeoutMs: timeoutMs })) as { status: string };
  return set.status;
}

export const v16: ListProtocol = {
  async capabilities(client, timeoutMs) {
    const conf = (await client.call('GetConfiguration', { key: [...KEYS] }, { callTimeoutMs: timeoutMs })) as GetConfigurationConf;
    const value = (key: string) => conf.configurationKey?.find((k) => k.key === key)?.value;
    const enabled = value('LocalAuthListEnabled');
    if (enabled === undefined) return { supported: false, answer: 'LocalAuthListEnabled: unknown key' };
    // The site owner asked for a list: switch it on, as a site owner would at the charger.
    const status = await switchOn(client, 'LocalAuthListEnabled', enabled, timeoutMs);
    if (status !== 'Accepted') return { supported: false, answer: `LocalAuthListEnabled: ${status}` };
    // Of use only if the charger decides from it while cut off (a node that did not see the setting change pushed it off).
    const offline = value('LocalAuthorizeOffline');
    if (offline !== undefined) await switchOn(client, 'LocalAuthorizeOffline', offline, timeoutMs);
    return { supported: true, maxLength: count(value('LocalAuthListMaxLength')), sendMaxLength: count(value('SendLocalListMaxLength')), bytesPerMessage: null };
  },

  async version(client, timeoutMs) {
    const conf = (await client.call('GetLocalListVersion', {}, { callTimeoutMs: timeoutMs })) as { listVersion: number };
    return conf.listVersion;
  },

  async send(client, { version, updateType, updates }, timeoutMs) {
    const localAuthorizationList = updates.map((u) => ({ idTag: u.idTag, ...(u.info && { idTagInfo: u.info }) }));
    const req = { listVersion: version, updateType, ...(localAuthorizationList.length > 0 && { localAuthorizationList }) };
    const conf = (await client.call('SendLocalList', req, { callTimeoutMs: timeoutMs })) as { status: string };
    return conf.status;
  },

  carries: (e) => e.idTag.length <= ID_TAG_MAX && (e.info.parentIdTag?.length ?? 0) <= ID_TAG_MAX,

  perMessage: (caps) => caps.sendMaxLength,
};
