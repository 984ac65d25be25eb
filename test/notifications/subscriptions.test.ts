import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { receiverPool, subscribe } from '../helpers/notifications.js';
import type { Receiver } from '../../simulators/receiver/index.js';

/** Long enough for a worker that should not send to have sent, were it going to. */
const QUIET_MS = 300;

describe('the subscriptions API, as a subscriber sees it', () => {
  let t: TestGateway;
  let siteA: string;
  let siteB: string;
  let everything: Receiver;
  const pool = receiverPool();
  const rcv = pool.start;

  beforeAll(async () => {
    t = await startTestGateway('sqlite');
    siteA = await t.installation(['SA-1']);
    siteB = await t.installation(['SB-1']);
    // Sees every event of both sites: shows the traffic happened when another subscription must not see it.
    everything = await rcv();
    await subscribe(t, { url: everything.url, events: ['connector.status_changed'] });
  });
  afterAll(async () => {
    await t?.stop();
    await pool.closeAll();
  });

  let infoCounter = 0;
  /** One status event from `chargerId`, tagged with a unique info; resolves once `everything` has it. */
  async function status(chargerId: string): Promise<string> {
    const info = `i${++infoCounter}`;
    const c = t.charger(chargerId);
    await c.connect();
    await c.call('StatusNotification', { connectorId: 1, status: 'Available', errorCode: 'NoError', info });
    await c.close();
    await expect.poll(() => everything.deliveries.some((d) => d.body.data.info === info), { timeout: 15_000 }).toBe(true);
    return info;
  }
  const infos = (r: Receiver) => r.deliveries.map((d) => d.body.data.info);

  it('scoped to one installation, receives nothing from another', async () => {
    const r = await rcv();
    await subscribe(t, { installationId: siteA, url: r.url, events: ['connector.status_changed'] });
    const fromB = await status('SB-1');
    const fromA = await status('SA-1');
    // In order per subscription: had B's event been sent here, it would have come before A's.
    await r.waitFor(1);
    expect(infos(r)).toEqual([fromA]);
    expect(fromB).toBeTruthy();
    expect(r.attempts()).toBe(1);
  });

  it('lists by installation with ?installationId=', async () => {
    const r = await rcv();
    const onB = await subscribe(t, { installationId: siteB, url: r.url, events: ['charger.booted'] });
    const listed = (await t.api('GET', `/api/subscriptions?installationId=${siteB}`)).body.items;
    expect(listed.map((s: any) => s.id)).toEqual([onB.id]);
    const all = (await t.api('GET', '/api/subscriptions')).body.items;
    expect(all.map((s: any) => s.installationId)).toEqual(expect.arrayContaining([null, siteA, siteB]));
    expect((await t.api('GET', '/api/subscriptions?installationId=not-a-site')).body.items ?? []).toEqual([]);
  });

  it('once deleted, is gone and sent nothing more', async () => {
    const r = await rcv();
    const sub = await subscribe(t, { installationId: siteA, url: r.url, events: ['connector.status_changed'] });
    const before = await status('SA-1');
    await r.waitFor(1);
    expect((await t.api('DELETE', `/api/subscriptions/${sub.id}`)).status).toBe(204);
    expect((await t.api('GET', `/api/subscriptions/${sub.id}`)).status).toBe(404);
    expect((await t.api('GET', `/api/subscriptions/${sub.id}/deliveries`)).status).toBe(404);
    await status('SA-1');
    await sleep(QUIET_MS);
    expect(infos(r)).toEqual([before]);
    expect(r.attempts()).toBe(1);
  });

  it('disabled, is sent nothing; enabled again, resumes from then on without what happened meanwhile', async () => {
    const r = await rcv();
    const sub = await subscribe(t, { installationId: siteA, url: r.url, events: ['connector.status_changed'] });
    const first = await status('SA-1');
    await r.waitFor(1);
    const off = await t.api('PATCH', `/api/subscriptions/${sub.id}`, { enabled: false });
    expect(off.body).toMatchObject({ enabled: false });
    await status('SA-1');
    await status('SA-1');
    const on = await t.api('PATCH', `/api/subscriptions/${sub.id}`, { enabled: true });
    expect(on.body).toMatchObject({ enabled: true, state: 'active' });
    const after = await status('SA-1');
    // In order per subscription: the two events from while it was off would have come first.
    await r.waitFor(2);
    expect(infos(r)).toEqual([first, after]);
  });

  it('generates a secret when none is given, shows it once, and signs with it', async () => {
    for (const signature of ['hmac-sha256', 'standard-webhooks'] as const) {
      const created = await t.api('POST', '/api/subscriptions', { label: `generated ${signature}`, installationId: siteA, url: 'http://127.0.0.1:1/hooks', events: ['connector.status_changed'], signature });
      expect(created.status).toBe(201);
      const secret: string = created.body.secret;
      expect(secret.length).toBeGreaterThanOrEqual(32);
      if (signature === 'standard-webhooks') expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
      // The receiver knows only what the creation reply showed.
      const r = await rcv({ scheme: signature, secret });
      await t.api('PATCH', `/api/subscriptions/${created.body.id}`, { url: r.url });
      await status('SA-1');
      const [d] = await r.waitFor(1);
      expect(d.verified).toBe(true);
      expect(r.rejected).toHaveLength(0);

      expect(JSON.stringify((await t.api('GET', `/api/subscriptions/${created.body.id}`)).body)).not.toContain(secret);
      expect(JSON.stringify((await t.api('GET', '/api/subscriptions')).body)).not.toContain(secret);
      const patched = await t.api('PATCH', `/api/subscriptions/${created.body.id}`, { label: 'renamed' });
      expect(JSON.stringify(patched.body)).not.toContain(secret);
      expect(JSON.stringify(t.logs)).not.toContain(secret);
    }
  });

  it('signs with a new secret from the first event after the PATCH that set it', async () => {
    const [oldSecret, newSecret] = ['old-secret-0123456789abcdef0123456789', 'new-secret-0123456789abcdef0123456789'];
    const before = await rcv({ scheme: 'hmac-sha256', secret: oldSecret });
    const created = await t.api('POST', '/api/subscriptions', { label: 'rotated', installationId: siteA, url: before.url, events: ['connector.status_changed'], signature: 'hmac-sha256', secret: oldSecret });
    await status('SA-1');
    expect((await before.waitFor(1))[0].verified).toBe(true);
    // The worker has opened the old secret once; the new one must replace it, not be read from memory.
    const after = await rcv({ scheme: 'hmac-sha256', secret: newSecret });
    expect((await t.api('PATCH', `/api/subscriptions/${created.body.id}`, { secret: newSecret, url: after.url })).status).toBe(200);
    await status('SA-1');
    const [d] = await after.waitFor(1);
    expect(d.verified).toBe(true);
    expect(after.rejected).toHaveLength(0);
    await t.api('DELETE', `/api/subscriptions/${created.body.id}`);
  });
});
