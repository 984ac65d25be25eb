// GET /api/installations/:id/live: the installation's events as Server-Sent Events, from the
// events table, in order, resumable with Last-Event-ID, ended cleanly at shutdown.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { openSse, type SseStream } from '../helpers/sse.js';
import { startGateway } from '../../src/app.js';

const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

describe.each(['sqlite', 'postgres'] as const)('live stream (%s)', (engine) => {
  let t: TestGateway;
  let site: string;
  let other: string;
  const streams: SseStream[] = [];
  const open = async (installationId: string, headers: Record<string, string> = {}) => {
    const s = await openSse(`http://127.0.0.1:${t.gw.httpPort}/api/installations/${installationId}/live`, { ...auth, ...headers });
    streams.push(s);
    return s;
  };
  const summary = (s: SseStream) =>
    s.events.map((e) => {
      const body = JSON.parse(e.data!);
      return [e.event, body.chargerId, body.data?.status ?? null];
    });

  beforeAll(async () => {
    t = await startTestGateway(engine, { livePollMs: 100, liveKeepaliveMs: 200 });
    site = await t.installation(['LIVE-1']);
    other = await t.installation(['ELSEWHERE-1']);
  });
  afterEach(() => streams.splice(0).forEach((s) => s.close()));
  afterAll(() => t?.stop());

  it('shows a charger connecting and changing status, in order, and nothing of other installations', async () => {
    const s = await open(site);
    expect(s.status).toBe(200);
    expect(s.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const stranger = t.charger('ELSEWHERE-1');
    await stranger.connect();
    const c = t.charger('LIVE-1');
    await c.connect();
    await c.boot();
    await c.status(1, 'Available');
    await c.status(1, 'Charging');
    await expect.poll(() => s.events.length, { timeout: 5000 }).toBe(4);
    expect(summary(s)).toEqual([
      ['charger.connected', 'LIVE-1', null],
      ['charger.booted', 'LIVE-1', null],
      ['connector.status_changed', 'LIVE-1', 'Available'],
      ['connector.status_changed', 'LIVE-1', 'Charging'],
    ]);
    const ids = s.events.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    await Promise.all([c.close(), stranger.close()]);
    await expect.poll(() => s.events.at(-1)?.event, { timeout: 5000 }).toBe('charger.disconnected');
    expect(s.events.some((e) => e.data!.includes('ELSEWHERE-1'))).toBe(false);
  });

  it('resumes after Last-Event-ID with what the client missed, then goes on live', async () => {
    const first = await open(site);
    const c = t.charger('LIVE-1');
    await c.connect();
    await c.status(1, 'Preparing');
    await c.status(1, 'Charging');
    await expect.poll(() => first.events.length, { timeout: 5000 }).toBe(3);
    first.close();

    const resumed = await open(site, { 'last-event-id': first.events[0].id! });
    await c.status(1, 'Finishing');
    await expect.poll(() => resumed.events.length, { timeout: 5000 }).toBe(3);
    expect(summary(resumed)).toEqual([
      ['connector.status_changed', 'LIVE-1', 'Preparing'],
      ['connector.status_changed', 'LIVE-1', 'Charging'],
      ['connector.status_changed', 'LIVE-1', 'Finishing'],
    ]);
    await c.close();
  });

  it('sends keepalive comments while nothing happens', async () => {
    const s = await open(other);
    await expect.poll(() => s.messages.filter((m) => m.comment === 'keepalive').length, { timeout: 5000 }).toBeGreaterThanOrEqual(2);
    expect(s.events).toEqual([]);
  });

  it('answers 404 for an unknown installation and 400 naming a bad Last-Event-ID', async () => {
    expect((await t.api('GET', '/api/installations/00000000-0000-4000-8000-000000000000/live')).status).toBe(404);
    const bad = await fetch(`http://127.0.0.1:${t.gw.httpPort}/api/installations/${site}/live`, { headers: { ...auth, 'last-event-id': 'yesterday' } });
    expect(bad.status).toBe(400);
    expect((await bad.json()).details).toEqual([{ field: 'Last-Event-ID', message: 'must be a whole number' }]);
  });
});

describe('live stream at shutdown', () => {
  it('ends open streams and does not hold the gateway’s close', async () => {
    const t = await startTestGateway('sqlite', { livePollMs: 100 });
    const site = await t.installation(['BYE-1']);
    const s = await openSse(`http://127.0.0.1:${t.gw.httpPort}/api/installations/${site}/live`, auth);
    expect(s.status).toBe(200);
    const closing = t.stop();
    await s.ended;
    await closing;
  });
});

describe('live stream across nodes (postgres)', () => {
  it('shows events of a charger connected to another node sharing the database', async () => {
    const a = await startTestGateway('postgres', { livePollMs: 100, nodeId: 'node-a' });
    const b = await startGateway({
      isolated: true, ocppPort: 0, httpPort: 0, host: '127.0.0.1', logLevel: 'silent', nodeId: 'node-b', livePollMs: 100,
      dataDir: a.db.dataDir, databaseUrl: a.db.databaseUrl, adminToken: ADMIN_TOKEN,
    });
    try {
      const site = await a.installation(['FAR-1']);
      const s = await openSse(`http://127.0.0.1:${b.httpPort}/api/installations/${site}/live`, auth);
      expect(s.status).toBe(200);
      // Node A hears of the stream on B through PostgreSQL, then stores its charger's events for it.
      await expect.poll(() => a.gw.notifications.recorder.wants(site, 'connector.status_changed'), { timeout: 5000 }).toBe(true);
      const c = a.charger('FAR-1');
      await c.connect();
      await c.status(1, 'Available');
      await expect.poll(() => s.events.map((e) => e.event), { timeout: 5000 }).toEqual(['charger.connected', 'connector.status_changed']);
      s.close();
    } finally {
      await b.close();
      await a.stop();
    }
  });
});
