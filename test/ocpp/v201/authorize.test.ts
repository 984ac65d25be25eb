import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import type { SimCharger } from '../../../simulators/charger/charger.js';

const FUTURE = '2099-01-01T00:00:00.000Z';
const PAST = '2001-01-01T00:00:00.000Z';

/** Authorize with idToken {idToken, type} through the native id tags, on both engines. */
describe.each(['sqlite', 'postgres'] as const)('2.0.1 Authorize with native id tags on %s', (engine) => {
  let t: TestGateway;
  let c: SimCharger;
  let old: SimCharger;
  let installationId: string;
  beforeAll(async () => {
    t = await startTestGateway(engine);
    installationId = await t.installation(['AUTH-2', 'AUTH-16'], [
      { idTag: 'CARD-OK' },
      { idTag: 'Card-Mixed' },
      { idTag: 'CARD-BLOCKED', status: 'Blocked' },
      { idTag: 'CARD-EXPIRED', status: 'Expired' },
      { idTag: 'CARD-LAPSED', expiryDate: PAST },
      { idTag: 'CARD-CHILD', parentIdTag: 'FLEET-7', expiryDate: FUTURE },
      { idTag: 'TOKEN-OF-EXACTLY-36-CHARACTERS-LONG!' },
    ]);
    c = t.charger('AUTH-2', { protocol: 'ocpp2.0.1' });
    old = t.charger('AUTH-16');
    await c.connect();
    await old.connect();
  });
  afterAll(() => t?.stop());

  const authorize = async (idToken: string, type = 'ISO14443') => (await c.call('Authorize', { idToken: { idToken, type } })).idTokenInfo;

  it.each([
    ['CARD-OK', 'Accepted'],
    ['CARD-BLOCKED', 'Blocked'],
    ['CARD-EXPIRED', 'Expired'],
    ['CARD-LAPSED', 'Expired'],
    ['NOBODY', 'Invalid'],
  ])('answers %s with %s', async (idToken, status) => {
    expect((await authorize(idToken)).status).toBe(status);
  });

  it('matches the token case-insensitively, up to 36 characters', async () => {
    expect((await authorize('card-mixed')).status).toBe('Accepted');
    expect((await authorize('CARD-MIXED', 'KeyCode')).status).toBe('Accepted');
    expect((await authorize('token-of-exactly-36-characters-long!')).status).toBe('Accepted');
  });

  it('names the parent tag as groupIdToken and the tag expiry as cacheExpiryDateTime', async () => {
    expect(await authorize('CARD-CHILD')).toEqual({ status: 'Accepted', groupIdToken: { idToken: 'FLEET-7', type: 'Central' }, cacheExpiryDateTime: FUTURE });
    // No expiry: the charger's own cache lifetime applies.
    expect(await authorize('CARD-OK')).toEqual({ status: 'Accepted' });
  });

  it('does not match a tag limited to a type with a token of another type', async () => {
    const put = await t.api('POST', `/api/installations/${installationId}/id-tags`, { idTag: 'APP-USER-1', type: 'Central' });
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({ idTag: 'APP-USER-1', type: 'Central' });
    expect((await authorize('APP-USER-1', 'Central')).status).toBe('Accepted');
    expect((await authorize('APP-USER-1', 'ISO14443')).status).toBe('Invalid');
    // A 1.6 idTag has no type: it matches as it always did.
    expect((await old.authorize('APP-USER-1')).idTagInfo.status).toBe('Accepted');
  });

  it('never accepts a DirectPayment token natively (OCPP 2.1)', async () => {
    const c21 = t.charger('AUTH-2', { protocol: 'ocpp2.1' });
    await c21.connect();
    const info = (await c21.call('Authorize', { idToken: { idToken: 'CARD-OK', type: 'DirectPayment' } })).idTokenInfo;
    expect(info.status).toBe('Invalid');
    expect((await c21.call('Authorize', { idToken: { idToken: 'CARD-OK', type: 'ISO14443' } })).idTokenInfo.status).toBe('Accepted');
    await c21.close();
    c = t.charger('AUTH-2', { protocol: 'ocpp2.0.1' });
    await c.connect();
  });

  it('authorizes the same native tag for a 1.6 and a 2.0.1 charger of the installation', async () => {
    expect((await old.authorize('CARD-OK')).idTagInfo).toEqual({ status: 'Accepted' });
    expect((await authorize('CARD-OK')).status).toBe('Accepted');
    expect((await old.authorize('CARD-CHILD')).idTagInfo).toEqual({ status: 'Accepted', parentIdTag: 'FLEET-7', expiryDate: FUTURE });
  });

  it('refuses id tags over 36 characters and a type the API does not know, naming the field', async () => {
    const long = await t.api('POST', `/api/installations/${installationId}/id-tags`, { idTag: 'X'.repeat(37) });
    expect(long.status).toBe(400);
    expect(JSON.stringify(long.body)).toContain('idTag');
    for (const type of ['DirectPayment', 'Phone']) {
      const bad = await t.api('POST', `/api/installations/${installationId}/id-tags`, { idTag: 'Y', type });
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body)).toContain('type');
    }
    const parent = await t.api('POST', `/api/installations/${installationId}/id-tags`, { idTag: 'Z', parentIdTag: 'P'.repeat(21) });
    expect(parent.status).toBe(400);
  });
});
