import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { receiver, subscribe, types } from '../helpers/notifications.js';
import type { Receiver } from '../../simulators/receiver/index.js';
import { EVENT_TYPES } from '../../src/notifications/catalogue.js';
import { envelopeSchema, CATALOGUE } from '../../src/notifications/catalogue.js';

describe.each(['sqlite', 'postgres'] as const)('every event type, fired by real traffic, on %s', (engine) => {
  let t: TestGateway;
  let r: Receiver;
  let sub: any;
  beforeAll(async () => {
    t = await startTestGateway(engine, { dataTransferVendorIds: [], reservationSweepMs: 100 });
    r = await receiver();
    sub = await subscribe(t, { url: r.url, events: ['*'], subscriptionId: 'billing-eu' });
  });
  afterAll(async () => {
    await t?.stop();
    await r?.close();
  });

  it('delivers them in the order they happened, signed, with the documented envelope and headers', async () => {
    const inst = await t.api('POST', '/api/installations', { name: 'Events' });
    const id = inst.body.id;
    await t.api('POST', `/api/installations/${id}/chargers`, { id: 'EV-1' });
    await t.api('POST', `/api/installations/${id}/chargers`, { id: 'EV-2' });
    await t.api('POST', `/api/installations/${id}/id-tags`, { idTag: 'EVCARD' });
    const c = t.charger('EV-1');
    await c.connect();
    await c.boot();
    await c.status(1, 'Preparing');
    // Answered without the simulator's StatusNotification Reserved, whose event would race the reservation's.
    c.onCall('ReserveNow', () => ({ status: 'Accepted' }));
    c.onCall('CancelReservation', () => ({ status: 'Accepted' }));
    const reserve = (reservationId: number, inMs: number) =>
      t.api('POST', '/api/chargers/EV-1/commands/ReserveNow', { connectorId: 1, idTag: 'EVCARD', reservationId, expiryDate: new Date(Date.now() + inMs).toISOString() });
    await reserve(1, 1_800_000);
    await c.authorize('EVCARD');
    const { transactionId } = await c.startTransaction({ connectorId: 1, idTag: 'EVCARD', meterStart: 100, reservationId: 1 });
    await c.meterValues({ connectorId: 1, transactionId, valueWh: 150 });
    await c.stopTransaction({ transactionId, meterStop: 300, idTag: 'EVCARD' });
    await reserve(2, 1_800_000);
    await t.api('POST', '/api/chargers/EV-1/commands/CancelReservation', { reservationId: 2 });
    await reserve(3, 200);
    await expect.poll(() => types(r).includes('reservation.expired'), { timeout: 15_000 }).toBe(true);
    await c.call('FirmwareStatusNotification', { status: 'Installed' });
    await c.call('DiagnosticsStatusNotification', { status: 'Idle' });
    // An OCPP 2.0.1 charger for what only 2.0.1 sends.
    const c2 = t.charger('EV-2', { protocol: 'ocpp2.0.1' });
    await c2.connect();
    await c2.call('SecurityEventNotification', { type: 'FirmwareUpdated', timestamp: new Date().toISOString() });
    await c2.close();
    await expect.poll(() => types(r).filter((x) => x === 'charger.disconnected').length, { timeout: 15_000 }).toBe(1);
    await c.close();
    // The disconnect is seen by the server after the socket closes; the test event is sent out
    // of band (not through the queue), so each waits for what came before it.
    // The first deliveries wait for the delivery thread to start (seconds on a loaded machine).
    await expect.poll(() => types(r).filter((x) => x === 'charger.disconnected').length, { timeout: 15_000 }).toBe(2);
    // Local lists on: a charger that keeps one is synced at boot, one without is reported.
    await t.api('PATCH', `/api/installations/${id}`, { name: 'Events renamed', localList: { mode: 'native' } });
    await r.waitFor(23, 10_000);
    for (const [chargerId, withList, event] of [['EV-3', true, 'localList.synced'], ['EV-4', false, 'localList.failed']] as const) {
      await t.api('POST', `/api/installations/${id}/chargers`, { id: chargerId });
      const charger = t.charger(chargerId);
      if (withList) charger.enableLocalList();
      await charger.connect();
      await charger.boot();
      await expect.poll(() => types(r).includes(event), { timeout: 10_000 }).toBe(true);
    }
    expect((await t.api('POST', `/api/subscriptions/${sub.id}/test`)).body.ok).toBe(true);

    const expected = [
      'installation.changed', 'id_tag.changed', 'charger.connected', 'charger.booted', 'connector.status_changed', 'reservation.created',
      'authorization.decided', 'authorization.decided', 'session.started', 'reservation.used', 'session.meter_values', 'session.stopped',
      'reservation.created', 'reservation.cancelled', 'reservation.created', 'reservation.expired',
      'charger.firmware_status', 'charger.diagnostics_status', 'charger.connected', 'charger.security_event', 'charger.disconnected',
      'charger.disconnected', 'installation.changed', 'charger.connected', 'charger.booted', 'localList.synced',
      'charger.connected', 'charger.booted', 'localList.failed', 'subscription.test',
    ];
    await r.waitFor(expected.length, 10_000);
    // connected is written when the socket opens, concurrently with the boot: compare as a set where order is not defined.
    const got = types(r);
    expect(got.filter((x) => x !== 'charger.connected'), got.join(' ')).toEqual(expected.filter((x) => x !== 'charger.connected'));
    expect(new Set(got)).toEqual(new Set(EVENT_TYPES));

    for (const d of r.deliveries) {
      expect(d.verified).toBe(true);
      expect(envelopeSchema.safeParse(d.body).success).toBe(true);
      const def = CATALOGUE[d.body.type as keyof typeof CATALOGUE];
      expect(def.data.safeParse(d.body.data).success, `${d.body.type} data matches its schema`).toBe(true);
      expect(d.headers['x-event']).toBe(d.body.type);
      expect(d.headers['x-event-id']).toBe(d.body.id);
      expect(d.headers['x-version']).toBe(String(d.body.version));
      expect(d.headers['x-subscription-id']).toBe('billing-eu');
      expect(d.headers['content-type']).toMatch(/^application\/json/);
    }
    const stopped = r.deliveries.find((d) => d.body.type === 'session.stopped')!.body;
    expect(stopped).toMatchObject({ installationId: id, chargerId: 'EV-1', data: { transactionId, energyWh: 200, idTag: 'EVCARD' } });
    expect(new Set(r.deliveries.map((d) => d.body.id)).size).toBe(r.deliveries.length);

    // The attempt log is written after the receiver answered: wait for the last rows.
    const log = async () => (await t.api('GET', `/api/subscriptions/${sub.id}/deliveries?limit=100`)).body.items;
    await expect.poll(async () => (await log()).length).toBeGreaterThanOrEqual(expected.length);
    expect((await log())[0]).toMatchObject({ ok: true, status: 200 });
  });

  it('never shows the subscription secret after creation', async () => {
    const got = await t.api('GET', `/api/subscriptions/${sub.id}`);
    expect(JSON.stringify(got.body)).not.toContain('receiver-secret');
    expect(JSON.stringify((await t.api('GET', '/api/subscriptions')).body)).not.toContain('receiver-secret');
    expect(JSON.stringify(t.logs)).not.toContain('receiver-secret');
  });
});
