import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startProvider, type Fault, type Provider } from '../../simulators/provider/index.js';
import { runFleet, type Fleet } from '../../simulators/charger/fleet.js';

const CHARGERS = 200;
const TIMEOUT_MS = 500;
/** Above the provider deadline: 200 answers computed in this one process on a loaded machine. */
const MARGIN_MS = 1000;
/** The provider simulator's default user. */
const AUTH_PAYLOAD = 'username=gateway&password=secret-pass';

type Scenario = [name: string, prefix: string, fault: Fault | 'refused'];

const scenarios: Scenario[] = [
  ['hangs', 'HANG', { mode: 'hang' }],
  ['closes the connection', 'CLOSE', { mode: 'close' }],
  ['answers text that is not JSON', 'TEXT', { mode: 'malformed' }],
  ['answers JSON of the wrong shape', 'SHAPE', { mode: 'status', status: 200, body: JSON.stringify({ allowed: 'maybe', status: 42 }) }],
  ['answers 503', 'S503', { mode: 'status', status: 503 }],
  ['refuses connections', 'REFUSE', 'refused'],
];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

describe(`Authorize from ${CHARGERS} chargers at once in webhook mode, offlineAllow on, timeoutMs ${TIMEOUT_MS}`, () => {
  let t: TestGateway;
  let provider: Provider;
  const fleets: Fleet[] = [];

  beforeAll(async () => {
    // No rule allows anything: a provider that did answer would say Invalid, so Accepted can only come from the offline policy.
    provider = await startProvider();
    t = await startTestGateway('sqlite');
  });
  afterAll(async () => {
    await Promise.all(fleets.map((f) => f.close()));
    await t?.stop();
    await provider?.close();
  });

  /** An installation made through the API, its chargers connected and booted. */
  async function site(prefix: string, sessionStartUrl: string): Promise<Fleet> {
    const authentication = { mode: 'webhook', authPayload: AUTH_PAYLOAD, sessionStartUrl, offlineAllow: true, timeoutMs: TIMEOUT_MS };
    const inst = await t.api('POST', '/api/installations', { name: `faults-${prefix}`, authentication });
    expect(inst.status).toBe(201);
    for (let i = 1; i <= CHARGERS; i++) {
      expect((await t.api('POST', `/api/installations/${inst.body.id}/chargers`, { id: `${prefix}-${i}` })).status).toBe(201);
    }
    const fleet = await runFleet({ url: t.ocppUrl, count: CHARGERS, idPrefix: `${prefix}-`, connectRate: 10_000, callTimeoutMs: 10_000 });
    fleets.push(fleet);
    expect(fleet.failed).toBe(0);
    return fleet;
  }

  /** Every charger sends Authorize at the same moment; the answers and each call's own latency. */
  async function authorizeAll(fleet: Fleet, prefix: string) {
    const results = await Promise.all(
      fleet.chargers.map(async (c, i) => {
        const started = performance.now();
        const conf = await c.authorize(`${prefix}${i}`);
        return { status: conf.idTagInfo.status, ms: performance.now() - started };
      }),
    );
    const ms = results.map((r) => r.ms).sort((a, b) => a - b);
    return { statuses: results.map((r) => r.status), p50: percentile(ms, 50), p99: percentile(ms, 99), max: ms[ms.length - 1] };
  }

  it('gets the provider decision when the provider is healthy (the control)', async () => {
    const fleet = await site('OK', provider.startUrl);
    const before = provider.counts().start;
    const r = await authorizeAll(fleet, 'OK');
    console.log(`provider healthy: ${CHARGERS} Authorize p50 ${Math.round(r.p50)} ms p99 ${Math.round(r.p99)} ms max ${Math.round(r.max)} ms`);
    expect(new Set(r.statuses)).toEqual(new Set(['Invalid']));
    expect(provider.counts().start - before).toBe(CHARGERS);
  });

  it.each(scenarios)('answers every charger in time through the offline policy when the provider %s', async (name, prefix, fault) => {
    let startUrl = provider.startUrl;
    if (fault === 'refused') {
      const gone = await startProvider();
      startUrl = gone.startUrl;
      await gone.close();
    }
    const fleet = await site(prefix, startUrl);
    if (fault !== 'refused') provider.injectFault({ path: 'start', fault });
    const before = provider.counts().start;
    try {
      const r = await authorizeAll(fleet, prefix);
      // A closed provider counts nothing; otherwise the calls it did not see met the open breaker.
      const reached = fault === 'refused' ? '' : `; ${provider.counts().start - before} of ${CHARGERS} calls reached the provider`;
      console.log(`provider ${name}: ${CHARGERS} Authorize p50 ${Math.round(r.p50)} ms p99 ${Math.round(r.p99)} ms max ${Math.round(r.max)} ms${reached}`);
      expect(r.statuses.filter((s) => s !== 'Accepted')).toEqual([]);
      expect(r.max).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
    } finally {
      provider.clearFaults();
    }
  });
});
