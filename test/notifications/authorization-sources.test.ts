import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicPayload, startProviderSetup, type ProviderSetup } from '../helpers/provider.js';
import { receiver, subscribe } from '../helpers/notifications.js';
import type { Receiver } from '../../simulators/receiver/index.js';

describe('authorization.decided names the source that decided', () => {
  let w: ProviderSetup;
  let r: Receiver;
  beforeAll(async () => {
    w = await startProviderSetup('sqlite', {}, { rules: { allow: ['KNOWN'] } });
    r = await receiver();
  });
  afterAll(async () => {
    await w?.stop();
    await r?.close();
  });

  it('webhook when the provider answers, cache when it is down for a tag it accepted, offline for one it never saw', async () => {
    const installationId = await w.installation(['SRC-1'], {
      mode: 'webhook',
      authPayload: basicPayload,
      sessionStartUrl: w.provider.startUrl,
      offlineAllow: true,
      timeoutMs: 300,
    });
    await subscribe(w.t, { installationId, url: r.url, events: ['authorization.decided'] });
    const c = w.t.charger('SRC-1');
    await c.connect();
    expect((await c.authorize('KNOWN')).idTagInfo.status).toBe('Accepted');
    w.provider.injectFault({ path: 'start', fault: { mode: 'status', status: 503 } });
    expect((await c.authorize('KNOWN')).idTagInfo.status).toBe('Accepted');
    expect((await c.authorize('STRANGER')).idTagInfo.status).toBe('Accepted');
    w.provider.clearFaults();
    await r.waitFor(3);
    expect(r.deliveries.map((d) => [d.body.data.idTag, d.body.data.source, d.body.data.status])).toEqual([
      ['KNOWN', 'webhook', 'Accepted'],
      ['KNOWN', 'cache', 'Accepted'],
      ['STRANGER', 'offline', 'Accepted'],
    ]);
    expect(r.deliveries[2].body.data.reason).toMatch(/^offline_allowed:/);
    await c.close();
  });
});
