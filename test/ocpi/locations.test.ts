// Locations sender: an installation with a location, taking OCPI tokens, is a Location its
// chargers the EVSEs, with their live status; pages as OCPI paginates; bad input named.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../helpers/databases.js';
import { eventually, startApi, type TestApi } from '../api/gateway.js';
import { SimCharger } from '../../simulators/charger/charger.js';
import { startEmsp, type MockEmsp } from '../../simulators/emsp/server.js';
import { OCPI_CONFIG, registerEmsp, WHERE } from './helpers.js';

describe.each(engines)('OCPI Locations sender (%s)', (engine) => {
  let api: TestApi;
  let emsp: MockEmsp;
  let locations: string;
  let site: string;
  const chargers: SimCharger[] = [];

  const newSite = async (name: string, sources: string[] | null, where: object | null = WHERE) => {
    const id = (await api.request('POST', '/api/installations', { name })).body.id as string;
    if (sources) await api.request('PUT', `/api/installations/${id}/authorization-sources`, { sources });
    if (where) expect((await api.request('PUT', `/api/installations/${id}/location`, { location: where })).status).toBe(200);
    return id;
  };
  const connect = async (installation: string, id: string, protocol: 'ocpp1.6' | 'ocpp2.0.1') => {
    expect((await api.request('POST', `/api/installations/${installation}/chargers`, { id })).status).toBe(201);
    const c = new SimCharger({ url: `ws://127.0.0.1:${api.gateway.ocppPort}/ocpp`, id, protocol, callTimeoutMs: 5_000 });
    chargers.push(c);
    await c.connect();
    await c.boot();
    return c;
  };

  beforeAll(async () => {
    api = await startApi(engine, OCPI_CONFIG);
    emsp = await startEmsp({ countryCode: 'NL', partyId: 'TNM' });
    await registerEmsp(api, emsp);
    locations = emsp.cpoEndpoint('locations');
    site = await newSite('Central Station', ['native', 'ocpi']);
  });
  afterAll(async () => {
    await Promise.all(chargers.map((c) => c.close()));
    await emsp.close();
    await api.close();
  });

  it('offers the Locations module as Sender in the version details', async () => {
    const details = await emsp.cpo('GET', locations.replace(/\/locations$/, ''));
    expect(details.body.data.endpoints).toContainEqual({ identifier: 'locations', role: 'SENDER', url: locations });
  });

  it('publishes an installation once it has a location and OCPI among its sources', async () => {
    const hidden = await newSite('Own cards only', null);
    expect((await api.request('GET', `/api/installations/${hidden}/location`)).body).toMatchObject({ location: { ...WHERE, connector: { standard: 'IEC_62196_T2' } }, published: false });
    expect((await emsp.cpo('GET', `${locations}/${hidden}`)).body.status_code).toBe(2003);
    await api.request('PUT', `/api/installations/${hidden}/authorization-sources`, { sources: ['ocpi'] });
    expect((await api.request('GET', `/api/installations/${hidden}/location`)).body.published).toBe(true);
    expect((await emsp.cpo('GET', `${locations}/${hidden}`)).body).toMatchObject({ status_code: 1000, data: { id: hidden, name: 'Own cards only' } });
    // null takes it off again.
    expect((await api.request('PUT', `/api/installations/${hidden}/location`, { location: null })).body).toEqual({ location: null, published: false });
    const gone = await emsp.cpo('GET', `${locations}/${hidden}`);
    expect(gone).toMatchObject({ status: 404, body: { status_code: 2003 } });
  });

  it('shows each charger as an EVSE with its connectors and live status, for both OCPP versions', async () => {
    const old = await connect(site, 'LOC-16', 'ocpp1.6');
    await old.status(0, 'Available');
    await old.status(1, 'Charging');
    await old.status(2, 'Available');
    const recent = await connect(site, 'LOC-201', 'ocpp2.0.1');
    await recent.status(1, 'Available');
    await connect(site, 'LOC-QUIET', 'ocpp1.6').then((c) => c.close());

    let location: any;
    await eventually(async () => {
      location = (await emsp.cpo('GET', `${locations}/${site}`)).body.data;
      return location.evses.find((e: any) => e.uid === 'LOC-QUIET')?.status === 'UNKNOWN';
    });
    expect(location).toMatchObject({
      country_code: 'DE',
      party_id: 'GWY',
      id: site,
      publish: true,
      name: 'Central Station',
      address: WHERE.address,
      city: WHERE.city,
      postal_code: WHERE.postalCode,
      country: 'NLD',
      coordinates: { latitude: WHERE.latitude, longitude: WHERE.longitude },
      time_zone: 'Europe/Amsterdam',
      last_updated: expect.any(String),
    });
    const evse = (uid: string) => location.evses.find((e: any) => e.uid === uid);
    // One connector charging makes the EVSE CHARGING; connector 0 (the charger itself) is no connector.
    expect(evse('LOC-16')).toMatchObject({ status: 'CHARGING', connectors: [{ id: '1' }, { id: '2' }] });
    expect(evse('LOC-16').connectors[0]).toMatchObject({ standard: 'IEC_62196_T2', format: 'SOCKET', power_type: 'AC_3_PHASE', max_voltage: 400, max_amperage: 32, last_updated: expect.any(String) });
    expect(evse('LOC-201')).toMatchObject({ status: 'AVAILABLE', connectors: [{ id: '1' }] });
    // Gone offline before it said anything: unknown, still with the connector a session would name.
    expect(evse('LOC-QUIET')).toMatchObject({ status: 'UNKNOWN', connectors: [{ id: '1' }] });

    expect((await emsp.cpo('GET', `${locations}/${site}/LOC-16`)).body.data).toEqual(evse('LOC-16'));
    expect((await emsp.cpo('GET', `${locations}/${site}/LOC-16/2`)).body.data).toEqual(evse('LOC-16').connectors[1]);
    expect((await emsp.cpo('GET', `${locations}/${site}/LOC-16/9`)).body).toMatchObject({ status_code: 2003, status_message: 'Unknown connector' });
    expect((await emsp.cpo('GET', `${locations}/${site}/NOPE`)).body).toMatchObject({ status_code: 2003, status_message: 'Unknown EVSE' });

    await old.status(1, 'Finishing');
    await old.status(1, 'Available');
    await eventually(async () => (await emsp.cpo('GET', `${locations}/${site}/LOC-16`)).body.data.status === 'AVAILABLE');
  });

  it('pages the list: limit, X-Total-Count, X-Limit and a Link to the next page, read to the end', async () => {
    await newSite('North', ['ocpi']);
    await newSite('South', ['webhook', 'ocpi']);
    const first = await emsp.cpo('GET', `${locations}?limit=2`);
    expect(first.body.data).toHaveLength(2);
    expect(first.headers.get('x-total-count')).toBe('3');
    expect(first.headers.get('x-limit')).toBe('100');
    expect(first.headers.get('link')).toMatch(/^<http:\/\/127\.0\.0\.1:\d+\/ocpi\/2\.2\.1\/locations\?limit=2&offset=2>; rel="next"$/);
    const all = await emsp.cpoAll(`${locations}?limit=2`);
    expect(all.pages).toBe(2);
    expect(new Set(all.items.map((l: any) => l.name))).toEqual(new Set(['Central Station', 'North', 'South']));

    // date_from is inclusive, date_to exclusive, on last_updated.
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const none = await emsp.cpo('GET', `${locations}?date_from=${future}`);
    expect(none.body.data).toEqual([]);
    expect(none.headers.get('x-total-count')).toBe('0');
    expect((await emsp.cpo('GET', `${locations}?date_to=${future}`)).body.data).toHaveLength(3);
    const bad = await emsp.cpo('GET', `${locations}?limit=zero&date_from=yesterday`);
    expect(bad).toMatchObject({ status: 400, body: { status_code: 2001 } });
    expect(bad.body.status_message).toMatch(/limit/);
    expect(bad.body.status_message).toMatch(/date_from/);
  });

  it('refuses a location that OCPI could not carry, naming each field', async () => {
    const r = await api.request('PUT', `/api/installations/${site}/location`, {
      location: { ...WHERE, country: 'NL', latitude: '52.3', longitude: '200.000000', timeZone: 'Mars/Olympus', connector: { standard: 'T2' } },
    });
    expect(r.status).toBe(400);
    const text = JSON.stringify(r.body);
    for (const field of ['country', 'latitude', 'longitude', 'timeZone', 'connector.standard']) expect(text).toContain(field);
    // Nothing of it was kept.
    expect((await api.request('GET', `/api/installations/${site}/location`)).body.location).toMatchObject({ country: 'NLD' });
  });

  it('is the eMSP\'s only with its credentials token', async () => {
    const r = await emsp.cpo('GET', locations, undefined, 'not-a-token');
    expect(r).toMatchObject({ status: 401, body: { status_code: 2000 } });
  });
});
