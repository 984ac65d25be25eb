import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../helpers/gateway.js';
import { enginesAndVersions, gatewayWithCharger } from '../helpers/chargerSuite.js';
import type { Receiver } from '../../simulators/receiver/index.js';
import type { SimCharger } from '../../simulators/charger/charger.js';
import { CATALOGUE } from '../../src/notifications/catalogue.js';

const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

/** ReserveNow in each version's words: 1.6 connectorId/idTag/parentIdTag, 2.0.1 evseId/idToken/groupIdToken. */
function reserveNow(v16: boolean, id: number, connectorId: number, idTag: string, expiry: string, parentIdTag?: string) {
  if (v16) return { reservationId: id, connectorId, idTag, expiryDate: expiry, ...(parentIdTag && { parentIdTag }) };
  return { id, evseId: connectorId, idToken: { idToken: idTag, type: 'ISO14443' }, expiryDateTime: expiry, ...(parentIdTag && { groupIdToken: { idToken: parentIdTag, type: 'Central' } }) };
}

/** The status the gateway answered a start with: 1.6 StartTransaction, 2.0.1 TransactionEvent Started with the token. */
async function start(c: SimCharger, connectorId: number, idTag: string): Promise<string> {
  if (c.ocppVersion === '1.6') return (await c.startTransaction({ connectorId, idTag, meterStart: 0 })).idTagInfo.status;
  const tx = c.openTransaction(connectorId);
  const reservationId = c.useReservation(connectorId, idTag);
  const reply = await c.transactionEvent(tx.event('Started', 'Authorized', { idToken: { idToken: idTag, type: 'ISO14443' }, meterWh: 0, reservationId }));
  return reply!.idTokenInfo!.status;
}

/** Reservation through the API and the simulator, for 1.6 and 2.0.1 on both engines. */
describe.each(enginesAndVersions)('reservations on %s over %s', (engine, protocol) => {
  const v16 = protocol === 'ocpp1.6';
  const id = `RES-${protocol.replace(/\W/g, '')}`;
  let t: TestGateway;
  let r: Receiver;
  let c: SimCharger;
  let installationId: string;

  beforeAll(async () => {
    ({ t, r, c, installationId } = await gatewayWithCharger(engine, protocol, id, {
      gateway: { reservationSweepMs: 100 },
      events: ['reservation.created', 'reservation.used', 'reservation.cancelled', 'reservation.expired'],
      idTags: [{ idTag: 'OWNER', parentIdTag: 'FLEET' }, { idTag: 'SIBLING', parentIdTag: 'FLEET' }, { idTag: 'STRANGER' }, { idTag: 'PASSERBY' }, { idTag: 'WALKIN' }, { idTag: 'VISITOR' }],
      connectors: 8,
    }));
  });
  afterAll(async () => {
    await t?.stop();
    await r?.close();
  });

  const command = (action: string, body: unknown) => t.api('POST', `/api/chargers/${id}/commands/${action}`, body);
  const reservations = async () => (await t.api('GET', `/api/chargers/${id}/reservations`)).body.items as any[];
  const reservation = async (reservationId: number) => (await reservations()).find((x) => x.reservationId === reservationId);
  const delivered = async (type: keyof typeof CATALOGUE, fields: Record<string, unknown>) => {
    const data = () => r.deliveries.filter((d) => d.body.type === type).map((d) => d.body.data);
    await expect.poll(data, { timeout: 15_000 }).toContainEqual(expect.objectContaining(fields));
    for (const d of data()) expect(CATALOGUE[type].data.safeParse(d).success, type).toBe(true);
  };

  it('keeps a reservation the charger accepted, and lets only its id tag start there', async () => {
    const expiry = inMinutes(30);
    const res = await command('ReserveNow', reserveNow(v16, 11, 1, 'OWNER', expiry));
    expect(res.body).toEqual({ action: 'ReserveNow', result: { status: 'Accepted' } });
    expect(await reservation(11)).toMatchObject({ connectorId: 1, idTag: 'OWNER', status: 'active', expiryDate: expiry, ocppVersion: protocol.slice(4) });
    await delivered('reservation.created', { reservationId: 11, connectorId: 1, idTag: 'OWNER' });

    expect(await start(c, 1, 'STRANGER')).toBe('Invalid');
    // Another connector is free for anyone (each test below reserves a connector of its own: 2.0.1 refuses an EVSE in use).
    expect(await start(c, 2, 'STRANGER')).toBe('Accepted');
    expect((await reservation(11)).status).toBe('active');

    expect(await start(c, 1, 'OWNER')).toBe('Accepted');
    const used = await reservation(11);
    expect(used).toMatchObject({ status: 'used' });
    expect(used.transactionId).toEqual(expect.any(Number));
    await delivered('reservation.used', { reservationId: 11, transactionId: used.transactionId });
  });

  it('lets a tag with the reservation parent start on it, and cancels on CancelReservation', async () => {
    await command('ReserveNow', reserveNow(v16, 12, 3, 'OWNER', inMinutes(30), 'FLEET'));
    expect(await start(c, 3, 'STRANGER')).toBe('Invalid');
    expect(await start(c, 3, 'SIBLING')).toBe('Accepted');

    await command('ReserveNow', reserveNow(v16, 13, 4, 'OWNER', inMinutes(30)));
    const res = await command('CancelReservation', { reservationId: 13 });
    expect(res.body.result).toEqual({ status: 'Accepted' });
    expect((await reservation(13)).status).toBe('cancelled');
    await delivered('reservation.cancelled', { reservationId: 13 });
    // The charger knows it no more: a second cancel is Rejected and changes nothing.
    expect((await command('CancelReservation', { reservationId: 13 })).body.result).toEqual({ status: 'Rejected' });
  });

  it('stores nothing when the charger refuses, and records every command in the audit log', async () => {
    const res = await command('ReserveNow', reserveNow(v16, 14, 9, 'OWNER', inMinutes(30)));
    expect(res.body.result).toEqual({ status: 'Rejected' });
    expect(await reservation(14)).toBeUndefined();
    const audit = (await t.api('GET', `/api/installations/${installationId}/audit`)).body.items as any[];
    const sent = audit.filter((a) => a.action === 'charger.command' && a.target === id);
    expect(sent[0]).toMatchObject({ changes: { command: { to: 'ReserveNow' }, answer: { to: { status: 'Rejected' } } }, actor: { kind: 'admin-token' } });
    expect(sent.map((a) => a.changes.command.to)).toEqual(expect.arrayContaining(['ReserveNow', 'CancelReservation']));
    // The same entries, asked for by charger and action.
    const only = (await t.api('GET', `/api/installations/${installationId}/audit?action=charger.command&target=${id}`)).body.items as any[];
    expect(only.map((a) => a.id)).toEqual(sent.map((a) => a.id));
  });

  it('ends a reservation at its expiry by itself', async () => {
    await command('ReserveNow', reserveNow(v16, 15, 5, 'OWNER', new Date(Date.now() + 1500).toISOString()));
    expect((await reservation(15)).status).toBe('active');
    await expect.poll(async () => (await reservation(15)).status, { timeout: 10_000 }).toBe('expired');
    await delivered('reservation.expired', { reservationId: 15 });
    expect(await start(c, 5, 'PASSERBY')).toBe('Accepted');
  });

  it.skipIf(!v16)('ends a reservation whose connector, or whole charger, goes Unavailable or Faulted (1.6 §5.13: the charger ends it and says nothing else)', async () => {
    await command('ReserveNow', reserveNow(v16, 17, 7, 'OWNER', inMinutes(30)));
    await command('ReserveNow', reserveNow(v16, 18, 8, 'OWNER', inMinutes(30)));
    await c.status(7, 'Unavailable');
    expect((await reservation(17)).status).toBe('cancelled');
    expect((await reservation(18)).status).toBe('active');
    await delivered('reservation.cancelled', { reservationId: 17 });
    await c.status(7, 'Available');
    expect(await start(c, 7, 'WALKIN')).toBe('Accepted');

    await c.status(0, 'Faulted', 'OtherError');
    expect((await reservation(18)).status).toBe('cancelled');
    await c.status(0, 'Available');
    expect(await start(c, 8, 'VISITOR')).toBe('Accepted');
  });

  it.skipIf(v16)('ends a reservation the station reports Removed (ReservationStatusUpdate)', async () => {
    await command('ReserveNow', reserveNow(v16, 16, 6, 'OWNER', inMinutes(30)));
    expect(await c.call('ReservationStatusUpdate', { reservationId: 16, reservationUpdateStatus: 'Removed' })).toEqual({});
    expect((await reservation(16)).status).toBe('cancelled');
  });
});
