import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import fc from 'fast-check';
import { ADMIN_TOKEN, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import {
  anyJsonBody,
  idTagBody,
  installationBody,
  keepLoopback,
  subscriptionBody,
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

  beforeAll(async () => {
    t = await startTestGateway('sqlite');
    const port = await closedPort();
    const inst = await t.api('POST', '/api/installations', { name: 'fuzzed' });
    targets = { closedUrl: `http://127.0.0.1:${port}`, closedBroker: `127.0.0.1:${port}`, installationId: inst.body.id };
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

  it('POST /api/installations/:id/id-tags: 2xx or 4xx, and every stored tag is a CiString20', async () => {
    const body = mix(validIdTagBody, idTagBody);
    await fc.assert(property('POST', () => `/api/installations/${targets.installationId}/id-tags`, body), { numRuns: 250, ...RUN_LIMITS });
    await checkStillHealthy();
    const { body: list } = await send('GET', `/api/installations/${targets.installationId}/id-tags`, undefined);
    const keys = new Set<string>();
    for (const tag of list.items) {
      expect(typeof tag.idTag === 'string' && tag.idTag.length >= 1 && tag.idTag.length <= 20, JSON.stringify(tag)).toBe(true);
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
