import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { receiver, subscribe, types } from '../helpers/notifications.js';
import type { Receiver } from '../../simulators/receiver/index.js';

/**
 * No change without its event: with the event log unwritable (the table renamed away in this
 * test's own database), a change that causes an event must not be kept either.
 */
describe.each(['sqlite', 'postgres'] as const)('a change whose event cannot be written, on %s', (engine) => {
  let t: TestGateway;
  let r: Receiver;
  let installationId: string;
  beforeAll(async () => {
    t = await startTestGateway(engine);
    r = await receiver();
    installationId = await t.installation(['AT-1']);
    await subscribe(t, { installationId, url: r.url, events: ['installation.changed', 'connector.status_changed'] });
  });
  afterAll(async () => {
    await t?.stop();
    await r?.close();
  });

  const eventLog = (from: string, to: string) => sql.raw(`alter table ${from} rename to ${to}`).execute(t.gw.store.db);

  it('is rolled back, through the API and over OCPP; with the log back, the same change goes through with its event', async () => {
    const c = t.charger('AT-1');
    await c.connect();
    const nameBefore = (await t.gw.store.installations.get(installationId))!.name;
    await eventLog('events', 'events_away');
    try {
      const patched = await t.api('PATCH', `/api/installations/${installationId}`, { name: 'Renamed while broken' });
      expect(patched.status).toBe(500);
      await expect(c.status(1, 'Faulted')).rejects.toThrow();
    } finally {
      await eventLog('events_away', 'events');
    }
    expect((await t.gw.store.installations.get(installationId))!.name).toBe(nameBefore);
    expect((await t.gw.store.chargers.connectors('AT-1')).find((x) => x.connectorId === 1)?.status).not.toBe('Faulted');
    expect(r.deliveries).toHaveLength(0);

    expect((await t.api('PATCH', `/api/installations/${installationId}`, { name: 'Renamed while broken' })).status).toBe(200);
    await c.status(1, 'Faulted');
    await r.waitFor(2);
    expect(types(r)).toEqual(['installation.changed', 'connector.status_changed']);
    expect((await t.gw.store.installations.get(installationId))!.name).toBe('Renamed while broken');
    expect((await t.gw.store.chargers.connectors('AT-1')).find((x) => x.connectorId === 1)?.status).toBe('Faulted');
    await c.close();
  });
});
