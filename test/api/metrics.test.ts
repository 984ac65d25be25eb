// GET /metrics: every authorization decision counted by source, status and reason, provider
// call latency by outcome, behind the API's bearer token.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN } from '../helpers/gateway.js';
import { basicPayload, oauthPayload, startProviderSetup, type ProviderSetup } from '../helpers/provider.js';
import { receiverPool, subscribe } from '../helpers/notifications.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The Prometheus text format, one sample per line; comments skipped. */
function parseSamples(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [, name, labelText = '', value] = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line)!;
      const labels = Object.fromEntries([...labelText.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
      return { name, labels, value: Number(value) };
    });
}

async function scrape(w: ProviderSetup): Promise<Sample[]> {
  const res = await fetch(`http://127.0.0.1:${w.t.gw.httpPort}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  return parseSamples(await res.text());
}

/** The value of one series, or undefined when it is not exposed. */
function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

describe('metrics', () => {
  let w: ProviderSetup;
  let text: string;
  const metricsUrl = () => `http://127.0.0.1:${w.t.gw.httpPort}/metrics`;

  beforeAll(async () => {
    w = await startProviderSetup('sqlite', { decisionCacheTtlSec: 0 }, {
      rules: { allow: ['GOOD-1'], deny: [{ idTag: 'STOLEN-1', status: 'Blocked', reason: 'reported stolen on 3 May' }] },
    });
    await w.installation(['MET-1'], { mode: 'webhook', authPayload: basicPayload, sessionStartUrl: w.provider.startUrl, offlineAllow: true });
    const c = w.t.charger('MET-1');
    await c.connect();
    expect((await c.authorize('GOOD-1')).idTagInfo.status).toBe('Accepted');
    expect((await c.authorize('STOLEN-1')).idTagInfo.status).toBe('Blocked');
    w.provider.injectFault({ path: 'start', fault: { mode: 'status', status: 500 }, times: 1 });
    expect((await c.startTransaction({ connectorId: 1, idTag: 'NEW-1', meterStart: 0 })).idTagInfo.status).toBe('Accepted');

    await w.t.installation(['NAT-1'], [{ idTag: 'LOCAL-1' }]);
    const n = w.t.charger('NAT-1');
    await n.connect();
    expect((await n.authorize('LOCAL-1')).idTagInfo.status).toBe('Accepted');
    expect((await n.authorize('NOBODY')).idTagInfo.status).toBe('Invalid');

    const res = await fetch(metricsUrl(), { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    text = await res.text();
  });
  afterAll(() => w?.stop());

  const decisions = (labels: Record<string, string>) =>
    parseSamples(text).filter((s) => s.name === 'gateway_authorization_decisions_total' && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

  it.each([
    ['a webhook acceptance', { source: 'webhook', status: 'Accepted', reason: 'provider_allowed' }],
    ['a provider refusal, by its code and not its free text', { source: 'webhook', status: 'Blocked', reason: 'provider_refused' }],
    ['an offline-policy acceptance', { source: 'offline', status: 'Accepted', reason: 'offline_allowed:http_500' }],
    ['a native acceptance', { source: 'native', status: 'Accepted', reason: 'accepted' }],
    ['a refusal of an unknown tag', { source: 'default', status: 'Invalid', reason: 'unknown_id_tag' }],
  ])('counts %s', (_name, labels) => {
    expect(decisions(labels).map((s) => s.value)).toEqual([1]);
  });

  it('counts nothing else, and never puts a provider’s free text in a label', () => {
    expect(decisions({}).reduce((n, s) => n + s.value, 0)).toBe(5);
    expect(text).not.toContain('reported stolen');
  });

  it('gives the same totals on every scrape (counts, not increments since the last one)', async () => {
    const again = await (await fetch(metricsUrl(), { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text();
    const decisionLines = (t: string) => t.split('\n').filter((l) => l.startsWith('gateway_authorization_decisions_total'));
    expect(decisionLines(again)).toEqual(decisionLines(text));
  });

  it('times each provider call by outcome', () => {
    const counts = parseSamples(text).filter((s) => s.name === 'gateway_provider_request_duration_seconds_count');
    expect(Object.fromEntries(counts.map((s) => [s.labels.outcome, s.value]))).toEqual({ allowed: 1, refused: 1, unreachable: 1 });
    const inf = parseSamples(text).find((s) => s.name === 'gateway_provider_request_duration_seconds_bucket' && s.labels.outcome === 'allowed' && s.labels.le === '+Inf');
    expect(inf?.value).toBe(1);
  });

  it('answers 401 without the API bearer token', async () => {
    expect((await fetch(metricsUrl())).status).toBe(401);
    const wrong = await fetch(metricsUrl(), { headers: { authorization: 'Bearer not-the-token' } });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: 'UNAUTHORIZED' });
  });

  it('logs refusals, provider answers and offline decisions at info with their reason, routine acceptances at debug', () => {
    const lines = w.t.logs.filter((l) => l.msg === 'authorize' || l.msg === 'transaction started');
    const level = (reason: string) => lines.find((l) => l.reason === reason)?.level;
    expect(level('provider_refused:reported stolen on 3 May')).toBe(30);
    expect(level('provider_allowed')).toBe(30);
    expect(level('unknown_id_tag')).toBe(30);
    expect(lines.find((l) => l.msg === 'transaction started')).toMatchObject({ level: 30, source: 'offline', reason: 'offline_allowed:http_500' });
    expect(level('accepted')).toBe(20);
  });
});

describe.each(['sqlite', 'postgres'] as const)('metrics after a scripted session (%s)', (engine) => {
  let w: ProviderSetup;
  const receivers = receiverPool();
  let site: string;
  let flaky: string;
  let subscriptionId: string;
  let receiverDown: () => void;

  beforeAll(async () => {
    const quickNotifications = { notificationRetryDelaysMs: [20, 20, 20], notificationProbeMaxMs: 200 };
    w = await startProviderSetup(engine, { breakerFailures: 1, breakerCooldownMs: 600_000, ...quickNotifications }, { rules: { allow: ['GOOD-1'] } });
    const p = w.provider;
    site = await w.installation(['SES-1'], { mode: 'webhook', authUrl: p.tokenUrl, authPayload: oauthPayload, sessionStartUrl: p.startUrl, sessionEndUrl: p.endUrl });
    flaky = await w.installation(['FLK-1'], { mode: 'webhook', authUrl: p.tokenUrl, authPayload: oauthPayload, sessionStartUrl: p.startUrl, offlineAllow: false });
    const r = await receivers.start();
    subscriptionId = (await subscribe(w.t, { installationId: site, url: r.url, events: ['*'] })).id;
    // The subscriber is down for the session: its backlog grows, then drains when it is back.
    r.injectFault({ fault: { mode: 'status', status: 503 } });
    receiverDown = () => r.clearFaults();
  });
  afterAll(async () => {
    await w?.stop();
    await receivers.closeAll();
  });

  it('moves every series as the session goes', async () => {
    const before = await scrape(w);
    expect(value(before, 'gateway_connected_chargers')).toBe(0);
    expect(value(before, 'gateway_ocpp_messages_total', { action: 'Authorize', outcome: 'ok' })).toBe(0);
    expect(value(before, 'gateway_token_fetches_total', { outcome: 'ok' })).toBe(0);

    const c = w.t.charger('SES-1', { callTimeoutMs: 15_000 });
    await c.connect();
    await c.boot();
    await c.status(1, 'Available');
    await expect(c.call('StatusNotification', { connectorId: 1 })).rejects.toThrow();
    expect((await c.authorize('GOOD-1')).idTagInfo.status).toBe('Accepted');
    // The session end fails until the provider is back: the backlog shows it.
    w.provider.injectFault({ path: 'end', fault: { mode: 'status', status: 503 } });
    const { transactionId } = await c.startTransaction({ connectorId: 1, idTag: 'GOOD-1', meterStart: 0 });
    await c.stopTransaction({ transactionId, meterStop: 1200, reason: 'Local' });

    const during = await scrape(w);
    expect(value(during, 'gateway_connected_chargers')).toBe(1);
    const messages = (action: string, outcome: string) => value(during, 'gateway_ocpp_messages_total', { action, outcome });
    expect([messages('BootNotification', 'ok'), messages('StatusNotification', 'ok'), messages('StatusNotification', 'invalid')]).toEqual([1, 1, 1]);
    expect([messages('Authorize', 'ok'), messages('StartTransaction', 'ok'), messages('StopTransaction', 'ok')]).toEqual([1, 1, 1]);
    // One token, reused for the second session-start call.
    expect(value(during, 'gateway_token_fetches_total', { outcome: 'ok' })).toBe(1);
    expect(value(during, 'gateway_provider_breaker_state', { installation_id: site })).toBe(0);
    // The provider's acceptance, then the same answer from the recent-decision cache at the start.
    const accepted = during.filter((x) => x.name === 'gateway_authorization_decisions_total' && x.labels.status === 'Accepted');
    expect(accepted.reduce((n, x) => n + x.value, 0)).toBe(2);
    await expect.poll(async () => value(await scrape(w), 'gateway_session_end_backlog'), { timeout: 5000 }).toBe(1);

    await expect
      .poll(async () => value(await scrape(w), 'gateway_notification_backlog_events', { subscription_id: subscriptionId }), { timeout: 5000 })
      .toBeGreaterThanOrEqual(6);
    expect(value(during, 'gateway_notification_attempts_total', { outcome: 'delivered' })).toBe(0);

    // The subscriber's 503s are counted before it comes back (the delivery thread may still be starting).
    await expect.poll(async () => value(await scrape(w), 'gateway_notification_attempts_total', { outcome: 'rejected' }), { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    w.provider.clearFaults();
    receiverDown();
    await expect.poll(async () => value(await scrape(w), 'gateway_session_end_backlog'), { timeout: 5000 }).toBe(0);
    await expect.poll(async () => value(await scrape(w), 'gateway_notification_backlog_events', { subscription_id: subscriptionId }), { timeout: 10_000 }).toBe(0);
    await expect
      .poll(async () => value(await scrape(w), 'gateway_notification_attempts_total', { outcome: 'delivered' }), { timeout: 5000 })
      .toBeGreaterThanOrEqual(6);

    await c.close();
    await expect.poll(async () => value(await scrape(w), 'gateway_connected_chargers')).toBe(0);
  });

  it('counts a failed token fetch and shows the breaker it opened', async () => {
    w.provider.injectFault({ path: 'token', fault: { mode: 'status', status: 500 }, times: 1 });
    const c = w.t.charger('FLK-1');
    await c.connect();
    expect((await c.authorize('GOOD-1')).idTagInfo.status).toBe('Invalid');
    const after = await scrape(w);
    expect(value(after, 'gateway_token_fetches_total', { outcome: 'token_rejected' })).toBe(1);
    expect(value(after, 'gateway_provider_breaker_state', { installation_id: flaky })).toBe(2);
    expect(value(after, 'gateway_provider_request_duration_seconds_count', { outcome: 'unreachable' })).toBe(1);
    await c.close();
  });

  it('times HTTP requests by route pattern and status, never by raw path', async () => {
    await w.t.api('GET', `/api/installations/${site}`);
    await w.t.api('GET', '/api/installations/00000000-0000-4000-8000-000000000000');
    await w.t.api('GET', '/api/no-such-thing');
    const after = await scrape(w);
    const count = (route: string, status: string) => value(after, 'gateway_http_request_duration_seconds_count', { method: 'GET', route, status });
    expect(count('/api/installations/:id', '200')).toBeGreaterThanOrEqual(1);
    expect(count('/api/installations/:id', '404')).toBe(1);
    expect(count('(unmatched)', '404')).toBe(1);
    expect(after.some((s) => s.name.startsWith('gateway_http_request') && Object.values(s.labels).some((v) => v.includes(site)))).toBe(false);
  });
});
