import type { ListUpdate } from '../../authorization/localList.js';
import type { ListProtocol } from './protocol.js';
import { count, isTrue } from './protocol.js';
import type { ChargerConnection } from '../connectionRegistry.js';
import { groupIdToken } from '../v201/idTokenInfo.js';

/** OCPP 2.0.1 Part 2: the LocalAuthListCtrlr component's variables. */
const COMPONENT = { name: 'LocalAuthListCtrlr' };
const AUTH_CTRLR = { name: 'AuthCtrlr' };
const VARIABLES = ['Enabled', 'Entries', 'ItemsPerMessage', 'BytesPerMessage'] as const;

/** A tag limited to no type goes as an RFID card, the usual local token. */
const DEFAULT_TYPE = 'ISO14443';
/** What one AuthorizationData costs at most in JSON (36-character token, type, status, expiry, group), and a message's own framing. */
const ENTRY_BYTES = 220;
const FRAME_BYTES = 200;

interface GetVariableResult {
  attributeStatus: string;
  attributeValue?: string;
  variable: { name: string };
}

function authorizationData(u: ListUpdate) {
  const idToken = { idToken: u.idTag, type: u.type ?? DEFAULT_TYPE };
  if (!u.info) return { idToken };
  const { status, expiryDate, parentIdTag } = u.info;
  const idTokenInfo = { status, ...(expiryDate && { cacheExpiryDateTime: expiryDate }), ...(parentIdTag && { groupIdToken: groupIdToken(parentIdTag) }) };
  return { idToken, idTokenInfo };
}

/** SetVariables to true, unless the station reads true already; answers its status. */
async function switchOn(client: ChargerConnection, component: { name: string }, name: string, value: string | undefined, timeoutMs: number): Promise<string> {
  if (isTrue(value)) return 'Accepted';
  const setVariableData = [{ attributeValue: 'true', component, variable: { name } }];
  const set = (await client.call('SetVariables', { setVariableData }, { callTimeoutMs: timeoutMs })) as { setVariableResult: { attributeStatus: string }[] };
  return set.setVariableResult[0]?.attributeStatus ?? 'no result';
}

export const v201: ListProtocol = {
  async capabilities(client, timeoutMs) {
    const getVariableData = [...VARIABLES.map((name) => ({ component: COMPONENT, variable: { name } })), { component: AUTH_CTRLR, variable: { name: 'LocalAuthorizeOffline' } }];
    const conf = (await client.call('GetVariables', { getVariableData }, { callTimeoutMs: timeoutMs })) as { getVariableResult: GetVariableResult[] };
    const result = (name: string) => conf.getVariableResult.find((r) => r.variable.name === name);
    const value = (name: string) => (result(name)?.attributeStatus === 'Accepted' ? result(name)?.attributeValue : undefined);
    const enabled = result('Enabled');
    if (!enabled || enabled.attributeStatus !== 'Accepted') return { supported: false, answer: `LocalAuthListCtrlr.Enabled: ${enabled?.attributeStatus ?? 'no result'}` };
    const status = await switchOn(client, COMPONENT, 'Enabled', enabled.attributeValue, timeoutMs);
    if (status !== 'Accepted') return { supported: false, answer: `LocalAuthListCtrlr.Enabled: ${status}` };
    // Of use only if the station decides from it while cut off (a node that did not see the setting change pushed it off).
    const offline = value('LocalAuthorizeOffline');
    if (offline !== undefined) await switchOn(client, AUTH_CTRLR, 'LocalAuthorizeOffline', offline, timeoutMs);
    // Entries' Actual value is how many the station holds now; its maximum is a characteristic GetVariables does not return (askMaximum).
    return { supported: true, maxLength: null, sendMaxLength: count(value('ItemsPerMessage')), bytesPerMessage: count(value('BytesPerMessage')) };
  },

  async version(client, timeoutMs) {
    const conf = (await client.call('GetLocalListVersion', {}, { callTimeoutMs: timeoutMs })) as { versionNumber: number };
    return conf.versionNumber;
  },

  async send(client, { version, updateType, updates }, timeoutMs) {
    const localAuthorizationList = updates.map(authorizationData);
    const req = { versionNumber: version, updateType, ...(localAuthorizationList.length > 0 && { localAuthorizationList }) };
    const conf = (await client.call('SendLocalList', req, { callTimeoutMs: timeoutMs })) as { status: string };
    return conf.status;
  },

  async askMaximum(client, timeoutMs) {
    // B08: answered Accepted, then a NotifyReport with Entries' variableCharacteristics.maxLimit (notifyReport.ts).
    const componentVariable = [{ component: COMPONENT, variable: { name: 'Entries' } }];
    await client.call('GetReport', { requestId: Math.floor(Math.random() * 2 ** 31), componentVariable }, { callTimeoutMs: timeoutMs });
  },

  // The gateway's tags fit IdTokenType's 36 characters.
  carries: () => true,

  perMessage(caps) {
    const byBytes = caps.bytesPerMessage === null ? null : Math.max(1, Math.floor((caps.bytesPerMessage - FRAME_BYTES) / ENTRY_BYTES));
    if (caps.sendMaxLength === null) return byBytes;
    return byBytes === null ? caps.sendMaxLength : Math.min(caps.sendMaxLength, byBytes);
  },
};
