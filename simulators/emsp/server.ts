// A mock eMSP speaking OCPI 2.2.1: versions, credentials (both roles), tokens push to the CPO,
// real-time authorization with configurable answers and delays, sessions and CDRs received.

import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenSimulator, type Delay } from '../http-server.js';
import { readBody, sendJson } from '../provider/http.js';

export type Allowed = 'ALLOWED' | 'BLOCKED' | 'EXPIRED' | 'NO_CREDIT' | 'NOT_ALLOWED';
/** What the authorize endpoint does for a uid: an AllowedType, unknown (404 + 2004), or a failure. */
export type Answer = Allowed | 'UNKNOWN' | { fail: number } | 'HANG';

export interface EmspOptions {
  port?: number;
  host?: string;
  countryCode?: string;
  partyId?: string;
  /** Answer for uids with no answer of their own; default UNKNOWN. */
  defaultAnswer?: Answer;
  /** Delay before every authorize answer (ms). */
  latencyMs?: number;
  onReceived?: (r: Received) => void;
}

export interface Received {
  at: number;
  method: string;
  path: string;
  body: unknown;
  status: number;
}

const encode = (t: string) => `Token ${Buffer.from(t, 'utf8').toString('base64')}`;
const decode = (h: string | undefined) => {
  const m = /^Token (\S+)$/.exec(h ?? '');
  return m ? Buffer.from(m[1]!, 'base64').toString('utf8') : undefined;
};
const envelope = (data: unknown, status_code = 1000, status_message?: string) => ({
  ...(data !== undefined && { data }),
  status_code,
  ...(status_message && { status_message }),
  timestamp: new Date().toISOString(),
});

export async function startEmsp(opts: EmspOptions = {}) {
  const countryCode = opts.countryCode ?? 'NL';
  const partyId = opts.partyId ?? 'TNM';
  const answers = new Map<string, Answer>();
  const received: Received[] = [];
  const state = {
    /** Tokens that open our versions and credentials: token A we issued, then the CPO's C… */
    accepted: new Set<string>(),
    /** The credentials token we send the CPO. */
    cpoToken: undefined as string | undefined,
    cpoVersionsUrl: undefined as string | undefined,
    cpoEndpoints: [] as { identifier: string; role: string; url: string }[],
    defaultAnswer: opts.defaultAnswer ?? ('UNKNOWN' as Answer),
    latencyMs: opts.latencyMs ?? 0,
    authorizeCalls: [] as { uid: string; type: string; body: unknown; authorization: string | undefined }[],
    /** Session pushes answered 503 before they are taken (an outage of the sessions receiver). */
    sessionFailures: 0,
    /** Sessions received, by path under the sessions endpoint ({country}/{party}/{id}), last version kept. */
    sessions: new Map<string, Record<string, unknown>>(),
    /** Every Session taken, in order: its path and status. */
    sessionLog: [] as { path: string; status: unknown }[],
    /** Session PATCHes taken, in order: the path and the fields sent (kwh while charging). */
    patches: [] as { path: string; patch: Record<string, unknown> }[],
    /** CDR posts answered 503 before they are taken. */
    cdrFailures: 0,
    /** CDRs received, by their id, in order; a second POST of an id is kept in `cdrRepeats`. */
    cdrs: new Map<string, Record<string, unknown>>(),
    cdrRepeats: 0,
    /** Locations received (PUT), by path under the locations endpoint ({country}/{party}/{location id}), EVSE PATCHes applied. */
    locations: new Map<string, Record<string, unknown>>(),
    /** EVSE PATCHes taken, in order: the path ({country}/{party}/{location id}/{evse uid}) and the fields sent. */
    evsePatches: [] as { path: string; patch: Record<string, unknown> }[],
    /** Location pushes (PUT or PATCH) answered 503 before they are taken. */
    locationFailures: 0,
    /** Tokens the CPO may pull from our tokens Sender (GET list), in order; set with `offerTokens`. */
    offered: [] as Record<string, unknown>[],
    /** Page size of that list, whatever the CPO asks; and where the Link of a page points instead of here, to try a CPO. */
    pageSize: 50,
    linkOrigin: undefined as string | undefined,
  };
  let origin = '';
  const base = () => `${origin}/ocpi/emsp`;
  const role = { role: 'EMSP', country_code: countryCode, party_id: partyId, business_details: { name: 'Mock eMSP' } };
  const ownCredentials = (token: string) => ({ token, url: `${base()}/versions`, roles: [role] });

  async function cpoCall(method: string, url: string, token: string, body?: unknown) {
    const res = await fetch(url, {
      method,
      headers: { authorization: encode(token), ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  }

  /** Reads the CPO's versions and 2.2.1 endpoints with `token`. */
  async function readCpo(versionsUrl: string, token: string) {
    const versions = await cpoCall('GET', versionsUrl, token);
    const v = (versions.body?.data ?? []).find((x: { version: string }) => x.version === '2.2.1');
    if (!v) throw new Error(`CPO versions: ${JSON.stringify(versions.body)}`);
    const details = await cpoCall('GET', v.url, token);
    state.cpoEndpoints = details.body.data.endpoints;
    state.cpoVersionsUrl = versionsUrl;
  }

  async function authorize(res: ServerResponse, delay: Delay, uid: string, type: string) {
    const answer = answers.get(`${uid}/${type}`) ?? answers.get(uid) ?? state.defaultAnswer;
    if (state.latencyMs) await delay(state.latencyMs);
    if (answer === 'HANG') return new Promise<number>(() => undefined);
    if (typeof answer === 'object') return send(res, answer.fail, { error: 'failure' });
    if (answer === 'UNKNOWN') return send(res, 404, envelope(undefined, 2004, 'Unknown token'));
    const token = { country_code: countryCode, party_id: partyId, uid, type, contract_id: `${countryCode}-${partyId}-C${uid}`, issuer: 'Mock eMSP', valid: true, whitelist: 'NEVER', last_updated: new Date().toISOString() };
    return send(res, 200, envelope({ allowed: answer, token, authorization_reference: `AUTH-${uid}-${state.authorizeCalls.length}` }));
  }

  function send(res: ServerResponse, status: number, body: unknown): number {
    sendJson(res, status, body);
    return status;
  }

  /** Tokens Sender GET list (OCPI 2.2.1 §12.2.1.1), paginated with X-Total-Count, X-Limit and Link. */
  function tokenPage(res: ServerResponse, url: URL): number {
    const offset = Number(url.searchParams.get('offset') ?? 0);
    const limit = Math.min(Number(url.searchParams.get('limit') ?? state.pageSize), state.pageSize);
    const page = state.offered.slice(offset, offset + limit);
    res.setHeader('X-Total-Count', String(state.offered.length));
    res.setHeader('X-Limit', String(state.pageSize));
    if (offset + limit < state.offered.length) {
      // The same query (date_from, date_to), the next offset, as §4.1.3 asks.
      const next = new URL(`${url.pathname}${url.search}`, state.linkOrigin ?? origin);
      next.searchParams.set('offset', String(offset + limit));
      next.searchParams.set('limit', String(limit));
      res.setHeader('Link', `<${next.href}>; rel="next"`);
    }
    return send(res, 200, envelope(page));
  }

  async function route(req: IncomingMessage, res: ServerResponse, delay: Delay, body: unknown): Promise<number> {
    const url = new URL(req.url ?? '/', origin);
    const path = url.pathname.replace(/^\/ocpi\/emsp/, '');
    const token = decode(req.headers.authorization);
    if (!token || !state.accepted.has(token)) return send(res, 401, envelope(undefined, 2000, 'Unknown credentials token'));
    if (req.method === 'GET' && path === '/versions') return send(res, 200, envelope([{ version: '2.2.1', url: `${base()}/2.2.1` }]));
    if (req.method === 'GET' && path === '/2.2.1') {
      const at = (m: string) => `${base()}/2.2.1/${m}`;
      const endpoints = [
        { identifier: 'credentials', role: 'SENDER', url: at('credentials') },
        { identifier: 'credentials', role: 'RECEIVER', url: at('credentials') },
        { identifier: 'tokens', role: 'SENDER', url: at('tokens') },
        { identifier: 'sessions', role: 'RECEIVER', url: at('sessions') },
        { identifier: 'cdrs', role: 'RECEIVER', url: at('cdrs') },
        { identifier: 'locations', role: 'RECEIVER', url: at('locations') },
      ];
      return send(res, 200, envelope({ version: '2.2.1', endpoints }));
    }
    if (path === '/2.2.1/credentials') {
      if (req.method === 'DELETE') {
        state.accepted.clear();
        state.cpoToken = undefined;
        return send(res, 200, envelope(undefined));
      }
      if (req.method === 'POST' || req.method === 'PUT') {
        const theirs = body as { token: string; url: string };
        state.cpoToken = theirs.token;
        await readCpo(theirs.url, theirs.token);
        const tokenC = randomBytes(24).toString('hex');
        state.accepted.clear();
        state.accepted.add(tokenC);
        return send(res, 200, envelope(ownCredentials(tokenC)));
      }
      return send(res, 200, envelope(ownCredentials(token)));
    }
    if (req.method === 'GET' && path === '/2.2.1/tokens') return tokenPage(res, url);
    const auth = /^\/2\.2\.1\/tokens\/([^/]+)\/authorize$/.exec(path);
    if (req.method === 'POST' && auth) {
      const uid = decodeURIComponent(auth[1]!);
      const type = url.searchParams.get('type') ?? 'RFID';
      state.authorizeCalls.push({ uid, type, body, authorization: req.headers.authorization });
      return authorize(res, delay, uid, type);
    }
    if (path.startsWith('/2.2.1/sessions/') && req.method === 'PATCH') {
      const at = path.slice('/2.2.1/sessions/'.length);
      const stored = state.sessions.get(at);
      if (!stored) return send(res, 404, envelope(undefined, 2001, 'Unknown session: PUT it first'));
      state.sessions.set(at, { ...stored, ...(body as Record<string, unknown>) });
      state.patches.push({ path: at, patch: body as Record<string, unknown> });
      return send(res, 200, envelope(undefined));
    }
    if (path.startsWith('/2.2.1/sessions/') && req.method === 'PUT') {
      if (state.sessionFailures > 0) {
        state.sessionFailures--;
        return send(res, 503, { error: 'sessions receiver down' });
      }
      const at = path.slice('/2.2.1/sessions/'.length);
      state.sessions.set(at, body as Record<string, unknown>);
      state.sessionLog.push({ path: at, status: (body as { status?: unknown })?.status });
      return send(res, 200, envelope(undefined));
    }
    if (path.startsWith('/2.2.1/locations/') && (req.method === 'PUT' || req.method === 'PATCH')) return locationPush(res, req.method, path.slice('/2.2.1/locations/'.length), body as Record<string, unknown>);
    if (path === '/2.2.1/cdrs' && req.method === 'POST') {
      if (state.cdrFailures > 0) {
        state.cdrFailures--;
        return send(res, 503, { error: 'cdrs receiver down' });
      }
      const id = String((body as { id?: unknown })?.id ?? '');
      if (state.cdrs.has(id)) state.cdrRepeats++;
      state.cdrs.set(id, body as Record<string, unknown>);
      // §10.2.2.2: the answer names where the eMSP keeps the CDR.
      res.setHeader('Location', `${base()}/2.2.1/cdrs/${encodeURIComponent(id)}`);
      return send(res, 200, envelope(undefined));
    }
    return send(res, 404, envelope(undefined, 2000, 'No such endpoint'));
  }

  /** Locations Receiver (OCPI 2.2.1 §8.2.2): PUT of a Location, PATCH of it or of one of its EVSEs (an unknown one is 2003). */
  function locationPush(res: ServerResponse, method: string, at: string, body: Record<string, unknown>) {
    if (state.locationFailures > 0) {
      state.locationFailures--;
      return send(res, 503, { error: 'locations receiver down' });
    }
    const [country, party, locationId, evseUid] = at.split('/').map(decodeURIComponent);
    const key = `${country}/${party}/${locationId}`;
    if (method === 'PUT' && evseUid === undefined) {
      state.locations.set(key, body);
      return send(res, 200, envelope(undefined));
    }
    const location = state.locations.get(key);
    if (method === 'PATCH' && evseUid === undefined && location) {
      Object.assign(location, body);
      return send(res, 200, envelope(undefined));
    }
    const evse = (location?.evses as Record<string, unknown>[] | undefined)?.find((e) => e.uid === evseUid);
    if (method !== 'PATCH' || !evse) return send(res, 404, envelope(undefined, 2003, 'Unknown location or EVSE: PUT the Location first'));
    Object.assign(evse, body);
    state.evsePatches.push({ path: `${key}/${evseUid}`, patch: body });
    return send(res, 200, envelope(undefined));
  }

  const server = await listenSimulator({
    port: opts.port ?? 0,
    host: opts.host ?? '127.0.0.1',
    handler: (delay) => async (req, res) => {
      const text = await readBody(req);
      const body = text ? JSON.parse(text) : undefined;
      const status = await route(req, res, delay, body);
      const r: Received = { at: Date.now(), method: req.method ?? '', path: req.url ?? '', body, status };
      received.push(r);
      opts.onReceived?.(r);
    },
  });
  origin = server.origin;

  return {
    origin,
    versionsUrl: `${base()}/versions`,
    /** Our tokens endpoint (Sender): where a CPO pulls tokens and asks for real-time authorization. */
    tokensUrl: `${base()}/2.2.1/tokens`,
    countryCode,
    partyId,
    received,
    state,
    /** Token A for a CPO that registers with us (the gateway as credentials Sender). */
    issueTokenA(): string {
      const tokenA = randomBytes(16).toString('hex');
      state.accepted.add(tokenA);
      return tokenA;
    },
    /** We register with a CPO that gave us its versions URL and token A (we are the Sender). */
    async registerWith(cpoVersionsUrl: string, tokenA: string) {
      await readCpo(cpoVersionsUrl, tokenA);
      const tokenB = randomBytes(24).toString('hex');
      state.accepted.add(tokenB);
      const credentialsUrl = state.cpoEndpoints.find((e) => e.identifier === 'credentials')!.url;
      const answer = await cpoCall('POST', credentialsUrl, tokenA, ownCredentials(tokenB));
      if (answer.body?.status_code === 1000) state.cpoToken = answer.body.data.token;
      return answer;
    },
    /** A call to the CPO with the token it gave us, e.g. a tokens PUT. */
    cpo(method: string, url: string, body?: unknown, token = state.cpoToken) {
      if (!token) throw new Error('not registered with the CPO');
      return cpoCall(method, url, token, body);
    },
    /** A paginated GET read to its end, following each page's Link rel="next" (OCPI 2.2.1 §4.1.3). */
    async cpoAll(url: string): Promise<{ pages: number; items: unknown[] }> {
      const items: unknown[] = [];
      let pages = 0;
      for (let next: string | undefined = url; next; pages++) {
        const r = await this.cpo('GET', next);
        if (r.body?.status_code !== 1000) throw new Error(`page ${pages + 1} of ${url}: ${JSON.stringify(r.body)}`);
        items.push(...r.body.data);
        next = /<([^>]+)>;\s*rel="next"/.exec(r.headers.get('link') ?? '')?.[1];
      }
      return { pages, items };
    },
    cpoEndpoint(identifier: string): string {
      const e = state.cpoEndpoints.find((x) => x.identifier === identifier);
      if (!e) throw new Error(`the CPO has no ${identifier} endpoint`);
      return e.url;
    },
    /** Pushes a token to the CPO's tokens receiver (PUT). */
    /** A whole Token of ours, with what it does not say filled in. */
    token(token: Record<string, unknown>): Record<string, unknown> {
      const t: Record<string, unknown> = { country_code: countryCode, party_id: partyId, type: 'RFID', issuer: 'Mock eMSP', valid: true, whitelist: 'ALLOWED', last_updated: new Date().toISOString(), ...token };
      t.contract_id ??= `${countryCode}-${partyId}-C${String(t.uid)}`;
      return t;
    },
    pushToken(token: Record<string, unknown>) {
      const t = this.token(token);
      return this.cpo('PUT', `${this.cpoEndpoint('tokens')}/${countryCode}/${partyId}/${String(t.uid)}?type=${String(t.type)}`, t);
    },
    /** What our tokens Sender lists for the CPO to pull, as given (so a test can offer a bad one). */
    offerTokens(tokens: Record<string, unknown>[]) {
      state.offered = tokens;
    },
    answer(uid: string, answer: Answer) {
      answers.set(uid, answer);
    },
    close: () => server.close(),
  };
}

export type MockEmsp = Awaited<ReturnType<typeof startEmsp>>;
