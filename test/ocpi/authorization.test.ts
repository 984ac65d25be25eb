// OCPI partners as an installation's authorization source, seen from chargers of both versions:
// every AllowedType the eMSP can answer, each whitelist type with the eMSP up, down and too slow,
// unknown tokens, and the installation's order of sources.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../helpers/databases.js';
import { ADMIN_TOKEN, eventually, startApi, type TestApi } from '../api/gateway.js';
import { sessionEndPayload } from '../../src/providers/sessionEnd.js';
import { SimCharger } from '../../simulators/charger/charger.js';
import { startEmsp, type MockEmsp } from '../../simulators/emsp/server.js';
import { OCPI_CONFIG, registerEmsp } from './helpers.js';

const VERSIONS = [
  { version: '1.6', protocol: 'ocpp1.6' },
  { version: '2.0.1', protocol: 'ocpp2.0.1' },
] as const;

/** What a charger of each version shows for each eMSP answer (1.6 has no NoCredit or NotAtThisLocation). */
const ALLOWED_TO_OCPP = {
  ALLOWED: { '1.6': 'Accepted', '2.0.1': 'Accepted' },
  BLOCKED: { '1.6': 'Blocked', '2.0.1': 'Blocked' },
  EXPIRED: { '1.6': 'Expired', '2.0.1': 'Expired' },
  NO_CREDIT: { '1.6': 'Invalid', '2.0.1': 'NoCredit' },
  NOT_ALLOWED: { '1.6': 'Invalid', '2.0.1': 'NotAtThisLocation' },
} as const;

describe.each(engines)('OCPI real-time authorization and whitelists (%s)', (engine) => {
  let api: TestApi;
  let emsp: MockEmsp;
  let installation: string;
  const chargers = new Map<string, SimCharger>();

  beforeAll(async () => {
    // A partner that cannot be reached must not open the circuit for the whole file.
    api = await startApi(engine, { ...OCPI_CONFIG, breakerFailures: 1000 });
    emsp = await startEmsp({ countryCode: 'NL', partyId: 'TNM' });
    await registerEmsp(api, emsp);
    installation = (await api.request('POST', '/api/installations', { name: 'Roaming site', authentication: { timeoutMs: 300 } })).body.id;
    const order = await api.request('PUT', `/api/installations/${installation}/authorization-sources`, { sources: ['native', 'ocpi'] });
    expect(order.body).toEqual({ sources: ['native', 'ocpi'], chosen: true });
    for (const { version, protocol } of VERSIONS) {
      const id = `ROAM-${version.replaceAll('.', '')}`;
      expect((await api.request('POST', `/api/installations/${installation}/chargers`, { id })).status).toBe(201);
      const c = new SimCharger({ url: `ws://127.0.0.1:${api.gateway.ocppPort}/ocpp`, id, protocol, callTimeoutMs: 5_000 });
      await c.connect();
      await c.boot();
      chargers.set(version, c);
    }
  });
  afterAll(async () => {
    await Promise.all([...chargers.values()].map((c) => c.close()));
    await emsp.close();
    await api.close();
  });

  const callsFor = (uid: string) => emsp.state.authorizeCalls.filter((c) => c.uid === uid);

  describe.each(VERSIONS)('OCPP $version', ({ version }) => {
    const charger = () => chargers.get(version)!;
    const uid = (name: string) => `${name}-${version}`;

    it.each(Object.keys(ALLOWED_TO_OCPP) as (keyof typeof ALLOWED_TO_OCPP)[])('asks the eMSP about a token it never pushed, answering %s', async (allowed) => {
      const card = uid(`RT-${allowed}`);
      emsp.answer(card, allowed);
      expect((await charger().authorize(card)).status).toBe(ALLOWED_TO_OCPP[allowed][version]);
      const [call] = callsFor(card);
      expect(call).toMatchObject({ type: 'RFID', body: { location_id: installation, evse_uids: [charger().id] } });
      // Base64 as 2.2.1 prescribes, carrying the token C the eMSP gave us.
      expect(call!.authorization).toMatch(/^Token [A-Za-z0-9+/]+=*$/);
      expect(emsp.state.accepted.has(Buffer.from(call!.authorization!.slice(6), 'base64').toString())).toBe(true);
    });

    it('refuses a token no eMSP knows (404, 2004) as Invalid', async () => {
      expect((await charger().authorize(uid('NOBODY'))).status).toBe('Invalid');
      expect(callsFor(uid('NOBODY'))).toHaveLength(1);
    });

    it('ALWAYS and ALLOWED: the pushed token decides and the eMSP is not asked', async () => {
      for (const whitelist of ['ALWAYS', 'ALLOWED']) {
        const card = uid(`WL-${whitelist}`);
        expect((await emsp.pushToken({ uid: card, whitelist })).body.status_code).toBe(1000);
        emsp.answer(card, 'BLOCKED');
        expect((await charger().authorize(card)).status).toBe('Accepted');
        expect(callsFor(card)).toHaveLength(0);
      }
      const invalid = uid('WL-NOT-VALID');
      await emsp.pushToken({ uid: invalid, whitelist: 'ALWAYS', valid: false });
      expect((await charger().authorize(invalid)).status).toBe('Invalid');
    });

    it('applies a token the eMSP invalidates at the next Authorize', async () => {
      const card = uid('WL-REVOKED');
      await emsp.pushToken({ uid: card, whitelist: 'ALWAYS' });
      expect((await charger().authorize(card)).status).toBe('Accepted');
      const patch = await emsp.cpo('PATCH', `${emsp.cpoEndpoint('tokens')}/NL/TNM/${card.toLowerCase()}`, { valid: false, last_updated: new Date().toISOString() });
      expect(patch.body.status_code).toBe(1000);
      expect((await charger().authorize(card)).status).toBe('Invalid');
    });

    it('ALLOWED_OFFLINE: the eMSP decides while it answers; down or too slow, the pushed token is accepted', async () => {
      const card = uid('WL-OFFLINE');
      await emsp.pushToken({ uid: card, whitelist: 'ALLOWED_OFFLINE' });
      emsp.answer(card, 'BLOCKED');
      expect((await charger().authorize(card)).status).toBe('Blocked');
      for (const [name, answer] of [['down', { fail: 503 }], ['slow', 'HANG']] as const) {
        const other = uid(`WL-OFFLINE-${name}`);
        await emsp.pushToken({ uid: other, whitelist: 'ALLOWED_OFFLINE' });
        emsp.answer(other, answer);
        expect((await charger().authorize(other)).status).toBe('Accepted');
        expect(callsFor(other)).toHaveLength(1);
      }
    });

    it('NEVER: every use is asked, never from a cache; unreachable, it is refused', async () => {
      const card = uid('WL-NEVER');
      await emsp.pushToken({ uid: card, whitelist: 'NEVER' });
      emsp.answer(card, 'ALLOWED');
      const first = await charger().authorize(card);
      expect(first.status).toBe('Accepted');
      // A 2.0.1 charger is told not to keep it in its own cache either.
      if (version === '2.0.1') expect(Date.parse(first.idTokenInfo!.cacheExpiryDateTime!)).toBeLessThan(Date.now());
      expect((await charger().authorize(card)).status).toBe('Accepted');
      expect(callsFor(card)).toHaveLength(2);
      emsp.answer(card, { fail: 503 });
      expect((await charger().authorize(card)).status).toBe('Invalid');
    });

    it("follows the installation's order: its own id tag decides before any eMSP is asked", async () => {
      const card = uid('OWN');
      expect((await api.request('POST', `/api/installations/${installation}/id-tags`, { idTag: card })).status).toBe(201);
      emsp.answer(card, 'BLOCKED');
      expect((await charger().authorize(card)).status).toBe('Accepted');
      expect(callsFor(card)).toHaveLength(0);
    });
  });

  it('leaves OCPI out for an installation that does not list it', async () => {
    const card = 'NATIVE-ONLY-1';
    await emsp.pushToken({ uid: card, whitelist: 'ALWAYS' });
    const put = await api.request('PUT', `/api/installations/${installation}/authorization-sources`, { sources: null });
    expect(put.body).toEqual({ sources: ['webhook', 'native'], chosen: false });
    expect((await chargers.get('1.6')!.authorize(card)).status).toBe('Invalid');
    await api.request('PUT', `/api/installations/${installation}/authorization-sources`, { sources: ['native', 'ocpi'] });
    expect((await chargers.get('1.6')!.authorize(card)).status).toBe('Accepted');
  });

  it('counts OCPI decisions by source and shows each partner\'s circuit at /metrics', async () => {
    const partnerId = (await api.request('GET', '/api/ocpi/partners')).body.items[0].id;
    const metrics = await (await fetch(`${api.base}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text();
    expect(metrics).toMatch(/gateway_authorization_decisions_total\{source="ocpi",status="NoCredit"[^}]*\} [1-9]/);
    expect(metrics).toContain(`gateway_ocpi_breaker_state{partner_id="${partnerId}"} 0`);
    expect(metrics).not.toContain(`gateway_provider_breaker_state{installation_id="${partnerId}"}`);
  });

  it('refuses an order naming an unknown or repeated source, naming the field', async () => {
    const unknown = await api.request('PUT', `/api/installations/${installation}/authorization-sources`, { sources: ['ocpi', 'roaming'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.details).toEqual([{ field: 'sources.1', message: 'must be one of native, webhook, ocpi' }]);
    const twice = await api.request('PUT', `/api/installations/${installation}/authorization-sources`, { sources: ['ocpi', 'native', 'ocpi'] });
    expect(twice.body.details).toEqual([{ field: 'sources', message: 'must name each source once' }]);
  });
});

describe.each(engines)('a session a roaming partner authorized (%s)', (engine) => {
  let api: TestApi;
  let emsp: MockEmsp;
  let partnerId: string;

  beforeAll(async () => {
    api = await startApi(engine, { ...OCPI_CONFIG, outboxRetryBaseMs: 20, outboxRetryMaxMs: 100, outboxPollMs: 20 });
    emsp = await startEmsp({ countryCode: 'NL', partyId: 'TNM' });
    partnerId = await registerEmsp(api, emsp);
  });
  afterAll(async () => {
    await emsp.close();
    await api.close();
  });

  const WHERE = { address: 'Hafenstraße 7', city: 'Hamburg', country: 'DEU', latitude: '53.54123', longitude: '9.98421', timeZone: 'Europe/Berlin', energyPrice: 0.35, vatPercent: 19 };

  async function session(version: string, protocol: string, card: string, where: object | null = WHERE) {
    const installation = (await api.request('POST', '/api/installations', { name: `Roaming ${card}` })).body.id;
    await api.request('PUT', `/api/installations/${installation}/authorization-sources`, { sources: ['ocpi'] });
    if (where) expect((await api.request('PUT', `/api/installations/${installation}/location`, { location: where })).status).toBe(200);
    const id = `TX-${card}`;
    await api.request('POST', `/api/installations/${installation}/chargers`, { id });
    const charger = new SimCharger({ url: `ws://127.0.0.1:${api.gateway.ocppPort}/ocpp`, id, protocol, callTimeoutMs: 5_000 });
    await charger.connect();
    await charger.boot();
    await charger.runSession({ idTag: card, meterIntervalMs: 10, meterSamples: 2, whPerSample: 1500 });
    await charger.close();
    const [tx] = (await api.request('GET', `/api/transactions?chargerId=${id}`)).body.items;
    return { installation, id, tx };
  }

  it.each(VERSIONS)('keeps the partner, its reference and token on the OCPP $version transaction, and pushes the completed Session to the eMSP', async ({ version, protocol }) => {
    const card = `SESSION-${version.replaceAll('.', '')}`;
    emsp.answer(card, 'ALLOWED');
    const { installation, id, tx } = await session(version, protocol, card);
    // The start reuses the Authorize's decision (source cache), partner and reference included.
    expect(tx).toMatchObject({
      authorization: { status: 'Accepted' },
      roaming: { partnerId, authorizationReference: expect.stringMatching(/^AUTH-SESSION-/), authMethod: 'AUTH_REQUEST', token: { uid: card, contract_id: `NL-TNM-C${card}` } },
    });
    const stored = await api.gateway.store.transactions.get(tx.id);
    expect(sessionEndPayload(stored!).roaming).toEqual({ partnerId, authorizationReference: tx.roaming.authorizationReference });

    const path = `DE/GWY/${tx.id}`;
    await eventually(() => emsp.state.sessions.get(path)?.status === 'COMPLETED');
    // ACTIVE when it started, COMPLETED when it stopped, once each and in that order.
    expect(emsp.state.sessionLog.filter((l) => l.path === path).map((l) => l.status)).toEqual(['ACTIVE', 'COMPLETED']);
    expect(emsp.state.sessions.get(path)).toEqual({
      country_code: 'DE',
      party_id: 'GWY',
      id: String(tx.id),
      start_date_time: tx.startTime,
      end_date_time: tx.stop.time,
      kwh: tx.energyWh / 1000,
      cdr_token: { country_code: 'NL', party_id: 'TNM', uid: card, type: 'RFID', contract_id: `NL-TNM-C${card}` },
      auth_method: 'AUTH_REQUEST',
      authorization_reference: tx.roaming.authorizationReference,
      location_id: installation,
      evse_uid: id,
      connector_id: String(tx.connectorId),
      currency: 'EUR',
      status: 'COMPLETED',
      last_updated: tx.stop.receivedAt,
    });
    expect(tx.energyWh).toBeGreaterThan(0);

    // Then its CDR, once, with where it happened and what it cost.
    await eventually(() => emsp.state.cdrs.has(String(tx.id)));
    const kwh = tx.energyWh / 1000;
    const hours = (Date.parse(tx.stop.time) - Date.parse(tx.startTime)) / 3_600_000;
    const cost = Math.round(kwh * 0.35 * 10_000) / 10_000;
    expect(emsp.state.cdrs.get(String(tx.id))).toEqual({
      country_code: 'DE',
      party_id: 'GWY',
      id: String(tx.id),
      start_date_time: tx.startTime,
      end_date_time: tx.stop.time,
      session_id: String(tx.id),
      cdr_token: { country_code: 'NL', party_id: 'TNM', uid: card, type: 'RFID', contract_id: `NL-TNM-C${card}` },
      auth_method: 'AUTH_REQUEST',
      authorization_reference: tx.roaming.authorizationReference,
      cdr_location: {
        id: installation,
        address: 'Hafenstraße 7',
        city: 'Hamburg',
        country: 'DEU',
        coordinates: { latitude: '53.54123', longitude: '9.98421' },
        evse_uid: id,
        evse_id: `DE*GWY*E${id.replace(/[^A-Za-z0-9]/g, '')}`,
        connector_id: String(tx.connectorId),
        connector_standard: 'IEC_62196_T2',
        connector_format: 'SOCKET',
        connector_power_type: 'AC_3_PHASE',
      },
      currency: 'EUR',
      charging_periods: [{ start_date_time: tx.startTime, dimensions: [{ type: 'ENERGY', volume: kwh }, { type: 'TIME', volume: expect.closeTo(hours, 4) }] }],
      total_cost: { excl_vat: cost, incl_vat: expect.closeTo(cost * 1.19, 4) },
      total_energy_cost: { excl_vat: cost, incl_vat: expect.closeTo(cost * 1.19, 4) },
      total_energy: kwh,
      total_time: expect.closeTo(hours, 4),
      last_updated: tx.stop.receivedAt,
    });
    expect(emsp.state.cdrRepeats).toBe(0);
  });

  it('holds the CDR of an installation without a location until it has one, the Session completing meanwhile', async () => {
    const card = 'SESSION-NOWHERE';
    emsp.answer(card, 'ALLOWED');
    const { installation, tx } = await session('1.6', 'ocpp1.6', card, null);
    await eventually(() => emsp.state.sessions.get(`DE/GWY/${tx.id}`)?.status === 'COMPLETED');
    const cdr = () => api.gateway.store.outbox.state(`ocpi-cdr:${tx.id}`);
    await eventually(async () => ((await cdr())?.attempts ?? 0) > 0);
    expect(await cdr()).toMatchObject({ status: 'pending', lastError: expect.stringMatching(/no location/) });
    expect(emsp.state.cdrs.has(String(tx.id))).toBe(false);
    await api.request('PUT', `/api/installations/${installation}/location`, { location: WHERE });
    await eventually(() => emsp.state.cdrs.has(String(tx.id)));
    expect(emsp.state.cdrs.get(String(tx.id))).toMatchObject({ cdr_location: { id: installation, city: 'Hamburg' } });
  });

  it('retries the Session until the eMSP takes it, for a pushed (whitelisted) card too', async () => {
    const card = 'SESSION-RETRY';
    await emsp.pushToken({ uid: card, whitelist: 'ALWAYS' });
    emsp.state.sessionFailures = 2;
    emsp.state.cdrFailures = 2;
    const { tx } = await session('1.6', 'ocpp1.6', card);
    await eventually(() => emsp.state.sessions.get(`DE/GWY/${tx.id}`)?.status === 'COMPLETED' && emsp.state.cdrs.has(String(tx.id)));
    expect(emsp.state.sessionFailures).toBe(0);
    expect(emsp.state.cdrFailures).toBe(0);
    expect(emsp.state.cdrs.get(String(tx.id))).toMatchObject({ auth_method: 'WHITELIST', cdr_token: { uid: card } });
    expect(emsp.state.sessionLog.filter((l) => l.path === `DE/GWY/${tx.id}`).map((l) => l.status)).toEqual(['ACTIVE', 'COMPLETED']);
    expect(emsp.state.sessions.get(`DE/GWY/${tx.id}`)).toMatchObject({ auth_method: 'WHITELIST', status: 'COMPLETED', cdr_token: { uid: card } });
  });
});
