// Chargers' failed handshakes are limited per charger id and per address, however many arrive at
// once: each attempt is counted before its password is checked (a 401 means it was checked).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../helpers/databases.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { tally } from '../helpers/tally.js';

const basic = (id: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${id}:${password}`).toString('base64')}` });
const ID_LIMIT = 5;
const ADDRESS_LIMIT = 50;

describe.each(engines)('handshake failure limits under parallel attempts (%s)', (engine) => {
  let t: TestGateway;
  let password: string;
  beforeAll(async () => {
    t = await startTestGateway(engine);
    const basicSite = await t.api('POST', '/api/installations', { name: 'Basic', securityProfile: 1 });
    await t.api('POST', `/api/installations/${basicSite.body.id}/chargers`, { id: 'GUESSED' });
    password = (await t.api('POST', '/api/chargers/GUESSED/password', {})).body.password;
    const tlsSite = await t.api('POST', '/api/installations', { name: 'TLS only', securityProfile: 2 });
    for (let i = 0; i < 25; i++) await t.api('POST', `/api/installations/${tlsSite.body.id}/chargers`, { id: `ADDR-${i}` });
  });
  afterAll(() => t?.stop());

  const attempt = (id: string, headers?: Record<string, string>) => t.charger(id, { headers }).connect().then(() => 0, (e) => e.statusCode as number);
  const clearFailures = () => t.gw.store.db.deleteFrom('charger_auth_failures').execute();

  it('checks at most the limit of 100 wrong passwords sent at once for one charger, then lets the right one in after the window', async () => {
    const codes = await Promise.all(Array.from({ length: 100 }, (_, i) => attempt('GUESSED', basic('GUESSED', `wrong-guess-${i}-xxxxxxxx`))));
    expect(tally(codes)).toEqual({ 401: ID_LIMIT, 429: 100 - ID_LIMIT });
    // Even the right password waits out the window.
    expect(await attempt('GUESSED', basic('GUESSED', password))).toBe(429);

    const twoMinutesAgo = new Date(Date.now() - 120_000).toISOString();
    await t.gw.store.db.updateTable('charger_auth_failures').set({ at: twoMinutesAgo }).execute();
    expect(await attempt('GUESSED', basic('GUESSED', password))).toBe(0);
    await clearFailures();
  });

  it('lets a charger in with the right password again and again: a success gives its attempt back', async () => {
    for (let i = 0; i < ID_LIMIT + 2; i++) expect(await attempt('GUESSED', basic('GUESSED', password))).toBe(0);
  });

  it('checks at most the address limit of failures from one address sent at once, across charger ids', async () => {
    // Profile 2 over plain ws fails without hashing; 4 attempts per id stay under each id's own limit.
    const ids = Array.from({ length: 100 }, (_, i) => `ADDR-${i % 25}`);
    const codes = await Promise.all(ids.map((id) => attempt(id)));
    expect(tally(codes)).toEqual({ 401: ADDRESS_LIMIT, 429: 100 - ADDRESS_LIMIT });
    // The address is refused for every charger behind it, the one with the right password too.
    expect(await attempt('GUESSED', basic('GUESSED', password))).toBe(429);
    await clearFailures();
  });
});
