import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../helpers/databases.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import type { SimCharger } from '../../simulators/charger/charger.js';

const periods = (limit: number) => [{ startPeriod: 0, limit }];

/** A profile in each version's words: 1.6 csChargingProfiles with one schedule, 2.0.1 chargingProfile with a list of them. */
function profileOf(v16: boolean, id: number, stackLevel: number, purpose: string, limit: number) {
  const base = { stackLevel, chargingProfileKind: 'Relative' };
  if (v16) return { ...base, chargingProfileId: id, chargingProfilePurpose: purpose, chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: periods(limit) } };
  return { ...base, id, chargingProfilePurpose: purpose, chargingSchedule: [{ id: 1, chargingRateUnit: 'A', chargingSchedulePeriod: periods(limit) }] };
}

function setProfile(v16: boolean, connectorId: number, profile: object) {
  return v16 ? { connectorId, csChargingProfiles: profile } : { evseId: connectorId, chargingProfile: profile };
}

/** Smart Charging through the API and the simulator, for 1.6 and 2.0.1 on both engines. */
describe.each(engines.flatMap((engine) => (['ocpp1.6', 'ocpp2.0.1'] as const).map((protocol) => [engine, protocol] as const)))('smart charging on %s over %s', (engine, protocol) => {
  const v16 = protocol === 'ocpp1.6';
  const id = `SC-${protocol.replace(/\W/g, '')}`;
  let t: TestGateway;
  let c: SimCharger;

  beforeAll(async () => {
    t = await startTestGateway(engine);
    await t.installation([id]);
    c = t.charger(id, { protocol, connectors: 2 });
    await c.connect();
    await c.boot();
  });
  afterAll(() => t?.stop());

  const command = (action: string, body: unknown) => t.api('POST', `/api/chargers/${id}/commands/${action}`, body);
  const profiles = async () => (await t.api('GET', `/api/chargers/${id}/charging-profiles`)).body.items as any[];

  it('keeps the profiles the charger accepted, one per id and per stack level and purpose', async () => {
    const daily = profileOf(v16, 1, 0, 'TxDefaultProfile', 16);
    expect((await command('SetChargingProfile', setProfile(v16, 1, daily))).body.result).toEqual({ status: 'Accepted' });
    const max = profileOf(v16, 2, 0, v16 ? 'ChargePointMaxProfile' : 'ChargingStationMaxProfile', 32);
    expect((await command('SetChargingProfile', setProfile(v16, 0, max))).body.result).toEqual({ status: 'Accepted' });
    // Same stack level and purpose on the same connector: it replaces the first, on the charger and here.
    const evening = profileOf(v16, 3, 0, 'TxDefaultProfile', 10);
    await command('SetChargingProfile', setProfile(v16, 1, evening));
    expect((await profiles()).map((p) => [p.profileId, p.connectorId, p.purpose, p.stackLevel])).toEqual([
      [2, 0, v16 ? 'ChargePointMaxProfile' : 'ChargingStationMaxProfile', 0],
      [3, 1, 'TxDefaultProfile', 0],
    ]);
    expect((await profiles())[1].profile).toEqual(evening);
  });

  it('stores nothing the charger refused', async () => {
    // The station-wide maximum belongs on 0 only.
    const misplaced = profileOf(v16, 4, 1, v16 ? 'ChargePointMaxProfile' : 'ChargingStationMaxProfile', 20);
    expect((await command('SetChargingProfile', setProfile(v16, 1, misplaced))).body.result).toEqual({ status: 'Rejected' });
    expect((await profiles()).map((p) => p.profileId)).toEqual([2, 3]);
  });

  it("answers GetCompositeSchedule with the charger's schedule", async () => {
    const res = await command('GetCompositeSchedule', v16 ? { connectorId: 1, duration: 3600 } : { evseId: 1, duration: 3600 });
    expect(res.status).toBe(200);
    const schedule = v16 ? res.body.result.chargingSchedule : res.body.result.schedule;
    expect(res.body.result.status).toBe('Accepted');
    expect(schedule.chargingSchedulePeriod).toEqual(periods(10));
  });

  it.skipIf(v16)('has a 2.0.1 charger report its profiles (GetChargingProfiles)', async () => {
    const res = await command('GetChargingProfiles', { requestId: 5, chargingProfile: { chargingProfilePurpose: 'TxDefaultProfile' } });
    expect(res.body.result).toEqual({ status: 'Accepted' });
    // ReportChargingProfiles is answered {} (a NotImplemented would fail the simulator's call).
    await expect.poll(() => t.logs.some((l) => l.msg === 'charging profiles reported' && l.requestId === 5)).toBe(true);
  });

  it('removes what ClearChargingProfile cleared, by id or by criteria', async () => {
    expect((await command('ClearChargingProfile', v16 ? { id: 3 } : { chargingProfileId: 3 })).body.result).toEqual({ status: 'Accepted' });
    expect((await profiles()).map((p) => p.profileId)).toEqual([2]);
    const byPurpose = v16 ? { chargingProfilePurpose: 'ChargePointMaxProfile' } : { chargingProfileCriteria: { chargingProfilePurpose: 'ChargingStationMaxProfile' } };
    expect((await command('ClearChargingProfile', byPurpose)).body.result).toEqual({ status: 'Accepted' });
    expect(await profiles()).toEqual([]);
    // Nothing left to clear: Unknown, and nothing changes.
    expect((await command('ClearChargingProfile', byPurpose)).body.result).toEqual({ status: 'Unknown' });
  });

  it("names the field of a profile that breaks the version's schema, and sends nothing", async () => {
    const sent = c.receivedCalls.length;
    const bad = profileOf(v16, 9, 0, 'Sometimes', 16);
    const res = await command('SetChargingProfile', setProfile(v16, 1, bad));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('COMMAND_INVALID');
    expect(res.body.details.map((d: any) => d.field).join(' ')).toContain('chargingProfilePurpose');
    expect(c.receivedCalls.length).toBe(sent);
  });

  it('refuses a profile the spec forbids the central system to send, naming the field, and sends nothing', async () => {
    const sent = c.receivedCalls.length;
    const tx = (purpose: string, extra: object = {}) => ({ ...profileOf(v16, 30, 0, purpose, 16), ...extra });
    const remoteStart = (profile: object) =>
      v16 ? command('RemoteStartTransaction', { connectorId: 1, idTag: 'RS-1', chargingProfile: profile }) : command('RequestStartTransaction', { evseId: 1, remoteStartId: 3, idToken: { idToken: 'RS-1', type: 'ISO14443' }, chargingProfile: profile });
    const cases: [Promise<{ status: number; body: any }>, string][] = [
      // 1.6 §5.11, 2.0.1 F01.FR.09/.11: a remote start's profile is the TxProfile of a transaction that has no id yet.
      [remoteStart(tx('TxDefaultProfile')), 'chargingProfile.chargingProfilePurpose'],
      [remoteStart(tx('TxProfile', { transactionId: v16 ? 5 : 'tx-5' })), 'chargingProfile.transactionId'],
    ];
    if (!v16) {
      // K01.FR.03: a TxProfile names its transaction; K01.FR.31: a schedule starts at period 0.
      cases.push([command('SetChargingProfile', setProfile(v16, 1, tx('TxProfile'))), 'chargingProfile.transactionId']);
      const late = { ...tx('TxDefaultProfile'), chargingSchedule: [{ id: 1, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 60, limit: 16 }] }] };
      cases.push([command('SetChargingProfile', setProfile(v16, 1, late)), 'chargingProfile.chargingSchedule.0.chargingSchedulePeriod.0.startPeriod']);
    }
    for (const [request, field] of cases) {
      const res = await request;
      expect(res.status, field).toBe(400);
      expect(res.body).toMatchObject({ error: 'COMMAND_INVALID', details: [expect.objectContaining({ field })] });
    }
    expect(c.receivedCalls.length).toBe(sent);
  });

  it('forgets a TxProfile once the transaction it was set for ends, as the charger does (1.6 §3.13.1; 2.0.1 K01)', async () => {
    const tx16 = v16 ? await c.startTransaction({ connectorId: 2, idTag: 'TXP-1', meterStart: 0 }) : undefined;
    const tx201 = v16 ? undefined : c.openTransaction(2);
    if (tx201) await c.transactionEvent(tx201.event('Started', 'Authorized', { idToken: { idToken: 'TXP-1', type: 'ISO14443' }, meterWh: 0 }));
    const forTx = { ...profileOf(v16, 20, 0, 'TxProfile', 8), transactionId: v16 ? tx16!.transactionId : tx201!.transactionId };
    const daily = profileOf(v16, 21, 1, 'TxDefaultProfile', 12);
    for (const p of [forTx, daily]) expect((await command('SetChargingProfile', setProfile(v16, 2, p))).body.result).toEqual({ status: 'Accepted' });
    expect((await profiles()).map((p) => p.profileId)).toEqual(expect.arrayContaining([20, 21]));

    if (tx16) await c.stopTransaction({ transactionId: tx16.transactionId, meterStop: 100 });
    if (tx201) await c.transactionEvent(tx201.event('Ended', 'StopAuthorized', { meterWh: 100 }));
    const left = (await profiles()).map((p) => p.profileId);
    expect(left).toContain(21);
    expect(left).not.toContain(20);
  });
});
