import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import fc from 'fast-check';
import { ADMIN_TOKEN, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import type { SimCharger } from '../../simulators/charger/charger.js';
import {
  anyJsonBody,
  chargerBody,
  chargerPasswordBody,
  commandRequest,
  idTagBody,
  installationBody,
  keepLoopback,
  securityProfileBody,
  subscriptionBody,
  transactionsQuery,
  validChargerBody,
  validChargerPasswordBody,
  validIdTagBody,
  validInstallationBody,
  validSubscriptionBody,
  type ApiTargets,
} from './api-arbitraries.js';

/**
 * CI runs a fixed seed, so a landing is never decided by chance; elsewhere every run explores new
 * inputs (fast-check prints the seed of a failure; FC_SEED replays it).
 */
const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : process.env.CI ? 20261123 : undefined;
const RUN_LIMITS = { interruptAfterTimeLimit: 8_000, ...(SEED !== undefined && { seed: SEED }) };

/** Valid bodies (so things get stored), almost-valid ones, and anything at all. */
const mix = (valid: fc.Arbitrary<unknown>, nearValid: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 2, arbitrary: valid }, { weight: 2, arbitrary: nearValid }, { weight: 1, arbitrary: anyJsonBody });
const CONTROL_CHARS = /\p{Cc}/u;

/** A loopback port nothing listens on: connections to it are refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Whatever a client sends, the API answers 2xx or 4xx with the documented error body, never
 * 5xx, keeps answering, and stores nothing that breaks its own rules.
 */
describe('any API request body', () => {
  let t: TestGateway;
  let targets: ApiTargets;
  /** A connected charger that answers every remote command (the simulator's defaults). */
  let commanded: SimCharger;

  beforeAll(async () => {
    t = await startTestGateway('sqlite', { commandTimeoutMs: 3000 });
    const port = await closedPort();
    const inst = await t.api('POST', '/api/installations', { name: 'fuzzed' });
    targets = { closedUrl: `http://127.0.0.1:${port}`, closedBroker: `127.0.0.1:${port}`, installationId: inst.body.id };
    for (const id of ['PROP-C', 'PROP-P', 'PROP-S']) await t.api('POST', `/api/installations/${inst.body.id}/chargers`, { id });
    await t.api('POST', `/api/installations/${inst.body.id}/id-tags`, { idTag: 'CARD-1' });
    commanded = t.charger('PROP-C');
    await commanded.connect();
    await commanded.boot();
    // One stored transaction, so the transaction list has something to page through.
    const { transactionId } = await commanded.startTransaction({ connectorId: 1, idTag: 'CARD-1', meterStart: 0 });
    await commanded.stopTransaction({ transactionId, meterStop: 10 });
  });
  afterAll(() => t?.stop());

  async function send(method: string, path: string, body: unknown): Promise<{ status: number; body: any }> {
    const res = await fetch(`http://127.0.0.1:${t.gw.httpPort}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(keepLoopback(body, targets)),
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      throw new Error(`${method} ${path} answered ${res.status} with a body that is not JSON: ${text.slice(0, 200)}`);
    }
    return { status: res.status, body: parsed };
  }

  /** The answer is a success, or a client error in the registry's shape. */
  function checkAnswer(res: { status: number; body: any }): void {
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
    expect(res.status).toBeGreaterThanOrEqual(200);
    if (res.status < 400) return;
    expect(typeof res.body?.error).toBe('string');
    expect(typeof res.body?.message).toBe('string');
    if (res.body.error !== 'VALIDATION_FAILED') return;
    expect(Array.isArray(res.body.details) && res.body.details.length > 0, JSON.stringify(res.body)).toBe(true);
    for (const d of res.body.details) {
      // An unknown key is named as sent, so the empty key "" is a field name too.
      expect(typeof d.field).toBe('string');
      expect(typeof d.message).toBe('string');
    }
  }

  const property = (method: string, path: () => string, body: fc.Arbitrary<unknown>) =>
    fc.asyncProperty(body, async (b) => {
      checkAnswer(await send(method, path(), b));
    });

  async function checkStillHealthy(): Promise<void> {
    expect((await send('GET', '/healthz', undefined)).status).toBe(200);
  }

  it('POST /api/installations: 2xx or 4xx, and every stored installation keeps a proper name', async () => {
    const body = mix(validInstallationBody(targets), installationBody(targets));
    await fc.assert(property('POST', () => '/api/installations', body), { numRuns: 250, ...RUN_LIMITS });
    await checkStillHealthy();
    const { body: list } = await send('GET', '/api/installations', undefined);
    for (const i of list.items) {
      expect(typeof i.name === 'string' && i.name.length >= 1 && i.name.length <= 200, JSON.stringify(i.name)).toBe(true);
      expect(i.name).toBe(i.name.trim());
      expect(CONTROL_CHARS.test(i.name)).toBe(false);
      expect(['native', 'webhook']).toContain(i.authMode);
    }
  });

  it('PATCH /api/installations/:id: 2xx or 4xx, and the installation stays well-formed', async () => {
    const body = mix(validInstallationBody(targets), installationBody(targets));
    await fc.assert(property('PATCH', () => `/api/installations/${targets.installationId}`, body), { numRuns: 250, ...RUN_LIMITS });
    await checkStillHealthy();
    const { status, body: i } = await send('GET', `/api/installations/${targets.installationId}`, undefined);
    expect(status).toBe(200);
    expect(i.name.length >= 1 && i.name === i.name.trim() && !CONTROL_CHARS.test(i.name)).toBe(true);
    expect(i.authentication.mode ?? i.authMode).toBe(i.authMode);
  });

  it('POST /api/installations/:id/id-tags: 2xx or 4xx, and every stored tag is a CiString36 (OCPP 2.0.1 idToken) with a known type or none', async () => {
    const body = mix(validIdTagBody, idTagBody);
    await fc.assert(property('POST', () => `/api/installations/${targets.installationId}/id-tags`, body), { numRuns: 250, ...RUN_LIMITS });
    await checkStillHealthy();
    const { body: list } = await send('GET', `/api/installations/${targets.installationId}/id-tags`, undefined);
    const keys = new Set<string>();
    for (const tag of list.items) {
      expect(typeof tag.idTag === 'string' && tag.idTag.length >= 1 && tag.idTag.length <= 36, JSON.stringify(tag)).toBe(true);
      expect(tag.type === null || ['Central', 'eMAID', 'EVCCID', 'ISO14443', 'ISO15693', 'KeyCode', 'Local', 'MacAddress', 'NoAuthorization', 'VIN'].includes(tag.type), JSON.stringify(tag)).toBe(true);
      expect(['Accepted', 'Blocked', 'Expired']).toContain(tag.status);
      if (tag.expiryDate !== null) expect(Number.isNaN(Date.parse(tag.expiryDate))).toBe(false);
      // IdToken is case-insensitive: one row per spelling.
      expect(keys.has(tag.idTag.toLowerCase())).toBe(false);
      keys.add(tag.idTag.toLowerCase());
    }
  });

  it('POST /api/subscriptions: 2xx or 4xx, and every stored subscription has a target and events', async () => {
    const body = mix(validSubscriptionBody(targets), subscriptionBody(targets));
    await fc.assert(property('POST', () => '/api/subscriptions', body), { numRuns: 250, ...RUN_LIMITS });
    await checkStillHealthy();
    const { body: list } = await send('GET', '/api/subscriptions', undefined);
    for (const s of list.items) {
      expect(s.label.trim().length).toBeGreaterThan(0);
      expect(s.events.length).toBeGreaterThan(0);
      if (s.kind === 'webhook') expect(s.url.startsWith(targets.closedUrl), s.url).toBe(true);
      else expect(s.kafka.brokers.length).toBeGreaterThan(0);
    }
  });

  it('POST /api/installations/:id/chargers: 2xx or 4xx, and every stored charger id is a proper OCPP identity', async () => {
    const body = mix(validChargerBody, chargerBody);
    await fc.assert(property('POST', () => `/api/installations/${targets.installationId}/chargers`, body), { numRuns: 200, ...RUN_LIMITS });
    await checkStillHealthy();
    const { body: list } = await send('GET', `/api/installations/${targets.installationId}/chargers`, undefined);
    expect(list.items.length).toBeGreaterThan(3);
    for (const c of list.items) expect(c.id, JSON.stringify(c.id)).toMatch(/^[\x21-\x2E\x30-\x7E]{1,64}$/);
  });

  it('POST /api/chargers/:id/commands/:action: 2xx, 4xx or the charger\'s own refusal; a refused body never reaches the charger', async () => {
    await fc.assert(
      fc.asyncProperty(commandRequest, async ([action, body]) => {
        const calls = commanded.receivedCalls.length;
        const res = await send('POST', `/api/chargers/PROP-C/commands/${encodeURIComponent(action)}`, body);
        // 502 is the charger answering with a CALLERROR: its answer, passed on, not a gateway failure.
        if (res.status === 502) expect(res.body.error).toBe('CHARGER_CALL_ERROR');
        else checkAnswer(res);
        if (res.status >= 400 && res.status < 500) expect(commanded.receivedCalls.length).toBe(calls);
        if (res.status === 200) expect(commanded.receivedCalls.slice(calls).map((c) => c.action)).toContain(action);
        expect(commanded.isOpen).toBe(true);
      }),
      { numRuns: 200, ...RUN_LIMITS },
    );
    await checkStillHealthy();
  });

  it('POST /api/chargers/:id/password: stores only printable ASCII of 16 to 20 characters, names the field otherwise', async () => {
    await fc.assert(
      fc.asyncProperty(mix(validChargerPasswordBody, chargerPasswordBody), async (body) => {
        const res = await send('POST', '/api/chargers/PROP-P/password', body);
        checkAnswer(res);
        const sent = (body as { password?: unknown } | null)?.password;
        if (res.status === 201) {
          expect(res.body.password).toMatch(/^[!-~]{16,20}$/);
          if (sent !== undefined) expect(res.body.password).toBe(sent);
        } else if (typeof sent === 'string' && res.body.error === 'VALIDATION_FAILED' && Object.keys(body as object).length === 1) {
          expect(new Set(res.body.details.map((d: { field: string }) => d.field))).toEqual(new Set(['password']));
        }
      }),
      { numRuns: 200, ...RUN_LIMITS },
    );
    await checkStillHealthy();
  });

  it('PUT /api/chargers/:id/security-profile: 2xx or 4xx, and the stored profile is 0 to 3 or unset', async () => {
    await fc.assert(property('PUT', () => '/api/chargers/PROP-S/security-profile', securityProfileBody), { numRuns: 150, ...RUN_LIMITS });
    await checkStillHealthy();
    const { body: charger } = await send('GET', '/api/chargers/PROP-S', undefined);
    expect([null, 0, 1, 2, 3]).toContain(charger.securityProfile);
  });

  it('GET /api/transactions?…: 200 within the page bounds, or 400 naming the parameter', async () => {
    await fc.assert(
      fc.asyncProperty(transactionsQuery(targets), async (query) => {
        const res = await send('GET', `/api/transactions?${query}`, undefined);
        checkAnswer(res);
        if (res.status === 200) {
          expect(Number.isInteger(res.body.limit) && res.body.limit >= 1 && res.body.limit <= 500).toBe(true);
          expect(Number.isInteger(res.body.offset) && res.body.offset >= 0).toBe(true);
          expect(res.body.items.length).toBeLessThanOrEqual(res.body.limit);
        } else {
          expect(res.status).toBe(400);
        }
      }),
      { numRuns: 200, ...RUN_LIMITS },
    );
    const all = await send('GET', '/api/transactions', undefined);
    expect(all.body.items).toHaveLength(1);
  });

  it('answers text that is not JSON with MALFORMED_JSON, on every route', async () => {
    const routes = ['/api/installations', `/api/installations/${targets.installationId}/id-tags`, '/api/subscriptions'];
    const text = fc.oneof(fc.string({ maxLength: 100 }), fc.string({ unit: 'binary', maxLength: 100 }));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), text, async (route, raw) => {
        const res = await send('POST', route, raw);
        checkAnswer(res);
        // An empty body is an absent one, validated as {} (src/api/validate.ts).
        if (res.status >= 400 && raw.trim() !== '' && !isJsonContainer(raw)) expect(res.body.error).toBe('MALFORMED_JSON');
      }),
      { numRuns: 150, ...RUN_LIMITS },
    );
    await checkStillHealthy();
  });
});

/** express.json (strict) reads only a JSON object or array; anything else is malformed to it. */
function isJsonContainer(raw: string): boolean {
  try {
    const v = JSON.parse(raw);
    return typeof v === 'object' && v !== null;
  } catch {
    return false;
  }
}
