// The Local Authorization List kept in step by the gateway, for 1.6 and 2.0.1 chargers: a native tag
// change reaches the charger, in chunks, Differential after the first Full; a charger out of step
// gets the Full list again; a charger cut off decides from its list.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../helpers/databases.js';
import { eventually, startApi, type TestApi } from '../api/gateway.js';
import { CallError, SimCharger } from '../../simulators/charger/charger.js';
import { defaultRemoteCommands } from '../../simulators/charger/remote-commands.js';
import { v201RemoteCommands } from '../../simulators/charger/v201/remote-commands.js';

const VERSIONS = [
  { version: '1.6', protocol: 'ocpp1.6', tag: '16' },
  { version: '2.0.1', protocol: 'ocpp2.0.1', tag: '201' },
] as const;

describe.each(engines)('Local Authorization List on %s', (engine) => {
  let api: TestApi;
  let installationId: string;
  const chargers: SimCharger[] = [];

  const newCharger = async (id: string, protocol: string) => {
    expect((await api.request('POST', `/api/installations/${installationId}/chargers`, { id })).status).toBe(201);
    const charger = new SimCharger({ url: `ws://127.0.0.1:${api.gateway.ocppPort}/ocpp`, id, protocol, callTimeoutMs: 5_000 });
    chargers.push(charger);
    return charger;
  };
  const listOf = async (id: string) => (await api.request('GET', `/api/chargers/${id}/local-list`)).body;
  const putTag = (idTag: string, status = 'Accepted') => api.request('POST', `/api/installations/${installationId}/id-tags`, { idTag, status });

  beforeAll(async () => {
    api = await startApi(engine, { localListDebounceMs: 20 });
    const created = await api.request('POST', '/api/installations', { name: 'Depot with lists' });
    installationId = created.body.id;
    for (const idTag of ['CARD-A', 'CARD-B', 'CARD-C', 'CARD-D']) await putTag(idTag);
    await putTag('CARD-LOST', 'Blocked');
    const patched = await api.request('PATCH', `/api/installations/${installationId}`, { localList: { mode: 'native' } });
    expect(patched.body.localList).toEqual({ mode: 'native', recentDays: 30 });
  });
  afterAll(async () => {
    await Promise.all(chargers.map((c) => c.close()));
    await api?.close();
  });

  it('refuses a localList setting it does not know, naming the field', async () => {
    const res = await api.request('PATCH', `/api/installations/${installationId}`, { localList: { mode: 'everyone', recentDays: 0 } });
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['localList.mode', 'localList.recentDays']);
  });

  it('refuses to send a list again where the installation keeps none', async () => {
    const other = (await api.request('POST', '/api/installations', { name: 'No lists here' })).body.id;
    expect((await api.request('POST', `/api/installations/${other}/chargers`, { id: `LL-OFF-${engine}` })).status).toBe(201);
    const res = await api.request('POST', `/api/chargers/LL-OFF-${engine}/local-list/sync`);
    expect(res.status).toBe(409);
    expect(res.body.error).toBe('LOCAL_LIST_OFF');
  });

  it('marks a charger without a local list as not supported, with what it answered', async () => {
    const charger = await newCharger(`LL-NONE-${engine}`, 'ocpp1.6');
    await charger.connect();
    await charger.boot();
    await eventually(async () => (await listOf(charger.id)).state === 'not_supported');
    expect((await listOf(charger.id)).answer).toBe('LocalAuthListEnabled: unknown key');
  });

  it("records a refused list as failed with the charger's answer, and a charger without the message as not supported", async () => {
    const refusing = (await newCharger(`LL-REFUSE-${engine}`, 'ocpp1.6')).enableLocalList();
    refusing.onCall('SendLocalList', () => ({ status: 'Failed' }));
    const lacking = (await newCharger(`LL-LACK-${engine}`, 'ocpp1.6')).enableLocalList();
    lacking.onCall('GetLocalListVersion', () => {
      throw new CallError('NotImplemented', 'no local list here');
    });
    for (const c of [refusing, lacking]) {
      await c.connect();
      await c.boot();
    }
    await eventually(async () => (await listOf(refusing.id)).state === 'failed');
    expect((await listOf(refusing.id)).answer).toBe('Failed');
    await eventually(async () => (await listOf(lacking.id)).state === 'not_supported');
    expect((await listOf(lacking.id)).answer).toBe('NotImplemented: no local list here');
  });

  it('takes a 1.6 list version of -1 as no list (1.6 GetLocalListVersion.conf), and sends the charger none', async () => {
    const minusOne = (await newCharger(`LL-MINUS-${engine}`, 'ocpp1.6')).enableLocalList();
    minusOne.onCall('GetLocalListVersion', () => ({ listVersion: -1 }));
    await minusOne.connect();
    await minusOne.boot();
    await eventually(async () => (await listOf(minusOne.id)).state === 'not_supported');
    expect((await listOf(minusOne.id)).answer).toBe('GetLocalListVersion: -1');
    expect(minusOne.receivedCalls.filter((c) => c.action === 'SendLocalList')).toEqual([]);
  });

  it('leaves out of a 1.6 list the id tags 1.6 cannot carry (over 20 characters), which a 2.0.1 list holds', async () => {
    const site = (await api.request('POST', '/api/installations', { name: 'Long cards', localList: { mode: 'native' } })).body.id;
    const long = 'LONG-CARD-0123456789-XYZ';
    for (const idTag of [long, 'SHORT-CARD']) await api.request('POST', `/api/installations/${site}/id-tags`, { idTag, status: 'Accepted', parentIdTag: 'FLEET-7' });
    const held: Record<string, SimCharger> = {};
    for (const { protocol, tag } of VERSIONS) {
      const id = `LL-LONG-${tag}-${engine}`;
      expect((await api.request('POST', `/api/installations/${site}/chargers`, { id })).status).toBe(201);
      const c = new SimCharger({ url: `ws://127.0.0.1:${api.gateway.ocppPort}/ocpp`, id, protocol, callTimeoutMs: 5_000 }).enableLocalList();
      chargers.push(c);
      await c.connect();
      await c.boot();
      await eventually(async () => (await listOf(id)).state === 'in_sync');
      held[tag] = c;
    }
    expect(held['16'].localList.decide('SHORT-CARD')).toBe('Accepted');
    expect(held['16'].localList.decide(long)).toBeUndefined();
    expect((await listOf(held['16'].id)).entries.map((e: { idTag: string }) => e.idTag)).toEqual(['SHORT-CARD']);
    expect(held['201'].localList.decide(long)).toBe('Accepted');
  });

  describe.each(VERSIONS)('OCPP $version', ({ protocol, tag }) => {
    let charger: SimCharger;
    const received = () => charger.localList.received.map((m) => `${m.updateType}:${m.items}`);

    beforeAll(async () => {
      charger = (await newCharger(`LL-${tag}-${engine}`, protocol)).enableLocalList({ maxLength: 50, perMessage: 2 });
      await charger.connect();
      await charger.boot();
      await eventually(async () => (await listOf(charger.id)).state === 'in_sync');
    });

    it('sends the whole list at boot, Full then Differentials in chunks of the charger maximum per message', async () => {
      // Every native tag of the installation so far (the earlier version's run added some).
      const tags = (await api.request('GET', `/api/installations/${installationId}/id-tags`)).body.items.length;
      const messages = Math.ceil(tags / 2);
      expect(received()).toEqual(['Full:2', ...Array(messages - 2).fill('Differential:2'), `Differential:${tags - 2 * (messages - 1)}`]);
      expect(charger.localList.version).toBe(messages);
      expect(charger.localList.entries.size).toBe(tags);
      expect(charger.localList.decide('card-a')).toBe('Accepted');
      expect(charger.localList.decide('CARD-LOST')).toBe('Blocked');
      const state = await listOf(charger.id);
      expect(state).toMatchObject({ mode: 'native', state: 'in_sync', version: messages, answer: 'Accepted', sendMaxLength: 2 });
      expect(state.entries).toHaveLength(tags);
    });

    it('brings a native tag added, blocked and deleted to the charger as Differential updates', async () => {
      charger.localList.received.length = 0;
      await putTag(`NEW-${tag}`);
      await eventually(() => charger.localList.decide(`NEW-${tag}`) === 'Accepted');
      await putTag('CARD-B', 'Blocked');
      await eventually(() => charger.localList.decide('CARD-B') === 'Blocked');
      expect((await api.request('DELETE', `/api/installations/${installationId}/id-tags/NEW-${tag}`)).status).toBe(204);
      await eventually(() => charger.localList.decide(`NEW-${tag}`) === undefined);
      await putTag('CARD-B');
      await eventually(async () => (await listOf(charger.id)).version === charger.localList.version && charger.localList.decide('CARD-B') === 'Accepted');
      expect(new Set(charger.localList.received.map((m) => m.updateType))).toEqual(new Set(['Differential']));
    });

    it('sends the Full list again when the charger answers VersionMismatch, or holds another version', async () => {
      const defaults = protocol === 'ocpp1.6' ? defaultRemoteCommands : v201RemoteCommands;
      let refused = false;
      charger.onCall('SendLocalList', (payload, c, after) => {
        if (!refused && payload.updateType === 'Differential') {
          refused = true;
          return { status: 'VersionMismatch' };
        }
        return defaults.get('SendLocalList')!(payload, c, after);
      });
      charger.localList.received.length = 0;
      await putTag(`MORE-${tag}`);
      await eventually(() => charger.localList.decide(`MORE-${tag}`) === 'Accepted');
      expect(refused).toBe(true);
      expect(received()[0]).toMatch(/^Full:/);
      // The whole list is sent in chunks: its last ones must be in before the reset below, or one would land on the emptied list.
      await eventually(async () => (await listOf(charger.id)).state === 'in_sync' && (await listOf(charger.id)).version === charger.localList.version);

      // A charger reset to an empty list: found out at its next boot, and given the whole list.
      charger.localList.entries.clear();
      charger.localList.version = 0;
      charger.localList.received.length = 0;
      await charger.boot();
      await eventually(() => charger.localList.decide(`MORE-${tag}`) === 'Accepted');
      expect(received()[0]).toMatch(/^Full:/);
    });

    it('sends the whole list again when the site owner asks (POST /api/chargers/{id}/local-list/sync), numbered on from the charger\'s version', async () => {
      await eventually(async () => (await listOf(charger.id)).state === 'in_sync' && (await listOf(charger.id)).version === charger.localList.version);
      const before = charger.localList.version;
      charger.localList.received.length = 0;
      const res = await api.request('POST', `/api/chargers/${charger.id}/local-list/sync`);
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ chargerId: charger.id, mode: 'native', state: 'syncing' });
      await eventually(async () => (await listOf(charger.id)).state === 'in_sync');
      expect(received()[0]).toMatch(/^Full:/);
      expect(charger.localList.version).toBeGreaterThan(before);
      const after = await listOf(charger.id);
      expect(after.version).toBe(charger.localList.version);
      expect(charger.localList.entries.size).toBe(after.entries.length);
      const audit = (await api.request('GET', `/api/installations/${installationId}/audit?action=charger.local_list_resync&target=${charger.id}`)).body.items;
      expect(audit).toHaveLength(1);
      expect(audit[0].actor).toMatchObject({ kind: 'admin-token' });
    });

    it('keeps a list cut off mid-way as being sent, and sends the changes when the charger returns', async () => {
      const defaults = protocol === 'ocpp1.6' ? defaultRemoteCommands : v201RemoteCommands;
      let hang = true;
      charger.onCall('SendLocalList', (payload, c, after) => (hang ? new Promise<object>(() => {}) : defaults.get('SendLocalList')!(payload, c, after)));
      await putTag(`CUT-${tag}`);
      await eventually(() => charger.receivedCalls.some((c) => c.action === 'SendLocalList' && JSON.stringify(c.payload).includes(`CUT-${tag}`)));
      await charger.goOffline();
      hang = false;
      charger.localList.received.length = 0;
      await charger.goOnline();
      await eventually(() => charger.localList.decide(`CUT-${tag}`) === 'Accepted');
      // Not marked failed by the lost connection: the charger still held our last list, so the changes suffice.
      expect(received()[0]).toMatch(/^Differential:/);
      await eventually(async () => (await listOf(charger.id)).state === 'in_sync');
    });

    it('decides from its list while cut off: a native tag is accepted, a blocked one refused; back online it gets what changed meanwhile', async () => {
      await charger.goOffline();
      expect((await charger.authorize('CARD-A')).status).toBe('Accepted');
      expect((await charger.authorize('CARD-LOST')).status).toBe('Blocked');
      expect((await charger.authorize('NOBODY')).status).toBe('Invalid');
      // The charger let a card charge on its own (one card per version: ConcurrentTx would refuse a second session); the start reaches the gateway once it is back.
      const card = tag === '16' ? 'CARD-A' : 'CARD-D';
      const startedAt = new Date(Date.now() - 5 * 60_000).toISOString();
      if (protocol !== 'ocpp1.6') {
        const tx = charger.openTransaction(1);
        await charger.transactionEvent(tx.event('Started', 'Authorized', { idToken: { idToken: card, type: 'ISO14443' }, meterWh: 0, timestamp: startedAt }));
      }
      await putTag(`WHILE-AWAY-${tag}`);
      await charger.goOnline();
      if (protocol === 'ocpp1.6') await charger.startTransaction({ connectorId: 1, idTag: card, meterStart: 0, timestamp: startedAt });
      await eventually(() => charger.localList.decide(`WHILE-AWAY-${tag}`) === 'Accepted');
      expect((await charger.authorize(`WHILE-AWAY-${tag}`)).status).toBe('Accepted');

      // Checked again by the gateway, and stored with how: from the charger's list, and the gateway's own decision.
      const stored = (await api.request('GET', `/api/transactions?chargerId=${charger.id}`)).body.items;
      expect(stored).toHaveLength(1);
      expect(stored[0]).toMatchObject({ idTag: card, late: true, localList: true, authorization: { status: 'Accepted', source: 'native' } });
    });
  });
});
