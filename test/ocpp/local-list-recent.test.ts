// native+recent: the tags the provider accepted join the chargers' lists with the provider's expiry; an acceptance that may not be kept never does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../helpers/databases.js';
import { eventually } from '../api/gateway.js';
import { basicPayload, startProviderSetup, type ProviderSetup } from '../helpers/provider.js';
import type { SimCharger } from '../../simulators/charger/charger.js';

const EXPIRY = new Date(Date.now() + 3 * 86_400_000).toISOString();

describe.each(engines)('a native+recent list on %s', (engine) => {
  let w: ProviderSetup;
  let installationId: string;
  let charger: SimCharger;
  const listOf = async () => (await w.t.api('GET', `/api/chargers/${charger.id}/local-list`)).body;

  beforeAll(async () => {
    w = await startProviderSetup(engine, { localListDebounceMs: 20 }, { rules: { allow: ['PROV-1'], expiryDate: EXPIRY } });
    installationId = await w.installation([`LLR-${engine}`], { mode: 'webhook', authPayload: basicPayload, sessionStartUrl: w.provider.startUrl });
    await w.t.api('POST', `/api/installations/${installationId}/id-tags`, { idTag: 'MINE-1' });
    expect((await w.t.api('PATCH', `/api/installations/${installationId}`, { localList: { mode: 'native+recent', recentDays: 10 } })).status).toBe(200);
    charger = w.t.charger(`LLR-${engine}`).enableLocalList();
    await charger.connect();
    await charger.boot();
    await eventually(async () => (await listOf()).state === 'in_sync', 5_000);
  });
  afterAll(() => w?.stop());

  it("adds a tag the provider accepted, with the provider's expiry", async () => {
    expect(charger.localList.decide('PROV-1')).toBeUndefined();
    expect((await charger.authorize('PROV-1')).status).toBe('Accepted');
    await expect.poll(() => charger.localList.decide('PROV-1'), { timeout: 5_000 }).toBe('Accepted');
    expect(charger.localList.entries.get('PROV-1')?.info).toEqual({ status: 'Accepted', expiryDate: EXPIRY });
    expect(charger.localList.decide('MINE-1')).toBe('Accepted');
  });

  it('never lists an acceptance that expired already (the provider said it may not be kept)', async () => {
    w.provider.setRules({ allow: ['PROV-2'], expiryDate: '2020-01-01T00:00:00.000Z' });
    expect((await charger.authorize('PROV-2')).status).toBe('Accepted');
    // A later change syncs the list: PROV-2 is not in it.
    await w.t.api('POST', `/api/installations/${installationId}/id-tags`, { idTag: 'MINE-2' });
    await expect.poll(() => charger.localList.decide('MINE-2'), { timeout: 5_000 }).toBe('Accepted');
    expect(charger.localList.decide('PROV-2')).toBeUndefined();
    expect((await listOf()).entries.map((e: { idTag: string }) => e.idTag).sort()).toEqual(['MINE-1', 'MINE-2', 'PROV-1']);
  });

  it('clears the charger list when the site owner turns lists off', async () => {
    expect((await w.t.api('PATCH', `/api/installations/${installationId}`, { localList: { mode: 'off' } })).status).toBe(200);
    await expect.poll(() => charger.localList.entries.size, { timeout: 5_000 }).toBe(0);
    await expect.poll(async () => (await listOf()).state, { timeout: 5_000 }).toBe('off');
  });
});
