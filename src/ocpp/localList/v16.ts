import type { ListProtocol } from './protocol.js';
import { count } from './protocol.js';

/** OCPP 1.6 Local Auth List Management profile: GetConfiguration keys, GetLocalListVersion, SendLocalList. */
const KEYS = ['LocalAuthListEnabled', 'LocalAuthListMaxLength', 'SendLocalListMaxLength'] as const;

interface GetConfigurationConf {
  configurationKey?: { key: string; value?: string }[];
  unknownKey?: string[];
}

export const v16: ListProtocol = {
  async capabilities(client, timeoutMs) {
    const conf = (await client.call('GetConfiguration', { key: [...KEYS] }, { callTimeoutMs: timeoutMs })) as GetConfigurationConf;
    const value = (key: string) => conf.configurationKey?.find((k) => k.key === key)?.value;
    const enabled = value('LocalAuthListEnabled');
    if (enabled === undefined) return { supported: false, answer: 'LocalAuthListEnabled: unknown key' };
    if (enabled.trim().toLowerCase() !== 'true') {
      // The site owner asked for a list: switch it on, as a site owner would at the charger.
      const set = (await client.call('ChangeConfiguration', { key: 'LocalAuthListEnabled', value: 'true' }, { callTimeoutMs: timeoutMs })) as { status: string };
      if (set.status !== 'Accepted') return { supported: false, answer: `LocalAuthListEnabled: ${set.status}` };
    }
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

  perMessage: (caps) => caps.sendMaxLength,
};
