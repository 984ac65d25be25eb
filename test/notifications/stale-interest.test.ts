import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { receiver, subscribe } from '../helpers/notifications.js';
import type { Receiver } from '../../simulators/receiver/index.js';

/**
 * Regression: the in-memory subscription list (5 s TTL) was reloaded inside the state change's
 * transaction; on SQLite's single connection that reload waited for ever and the gateway hung.
 */
describe('an event written after the subscription list went stale', () => {
  let t: TestGateway;
  let r: Receiver;
  beforeAll(async () => {
    t = await startTestGateway('sqlite');
    r = await receiver();
    const installationId = await t.installation(['STALE-1']);
    await subscribe(t, { installationId, url: r.url, events: ['connector.status_changed'] });
  });
  afterAll(async () => {
    await t?.stop();
    await r?.close();
  });

  it('is written and delivered, and the gateway keeps answering', { timeout: 30_000 }, async () => {
    const c = t.charger('STALE-1');
    await c.connect();
    await sleep(5200);
    await Promise.all([1, 2, 3].map((n) => c.status(n, 'Available')));
    expect((await c.heartbeat()).currentTime).toBeTruthy();
    await r.waitFor(3, 5000);
    await c.close();
  });
});
