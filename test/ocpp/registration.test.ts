import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { enginesAndVersions } from '../helpers/chargerSuite.js';
import { CallError } from '../../simulators/charger/frames.js';
import type { SimCharger } from '../../simulators/charger/charger.js';

const now = () => new Date().toISOString();
const status = (protocol: string) =>
  protocol === 'ocpp1.6'
    ? ['StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available', timestamp: now() }]
    : ['StatusNotification', { timestamp: now(), connectorStatus: 'Available', evseId: 1, connectorId: 1 }];
const isTrigger = (requested: string) => (f: unknown) => Array.isArray(f) && f[0] === 2 && f[2] === 'TriggerMessage' && (f[3] as any).requestedMessage === requested;

/** What the charger gets for a CALL: its answer, or the CALLERROR's code. */
async function outcome(c: SimCharger, action: string, params: object): Promise<string> {
  try {
    await c.call(action, params);
    return 'answered';
  } catch (err) {
    if (err instanceof CallError) return err.code;
    throw err;
  }
}

/** OCPP 1.6 §4.2 and 2.0.1 B02/B03: a charger the operator holds Pending or Rejected is answered so, and served nothing else. */
describe.each(enginesAndVersions)('charger registration on %s over %s', (engine, protocol) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(engine, { bootRetryIntervalSec: 45, heartbeatIntervalSec: 120 });
    await t.installation(['REG-1', 'REG-2']);
  });
  afterAll(async () => t?.stop());

  it('answers a pending charger Pending, refuses its other messages with SecurityError on a live connection, and accepts it once the operator does', async () => {
    expect((await t.api('PUT', '/api/chargers/REG-1/registration', { registration: 'pending' })).body).toMatchObject({ registration: 'pending', bootTriggered: false });
    const c = t.charger('REG-1', { protocol });
    await c.connect();
    expect(await c.boot()).toMatchObject({ status: 'Pending', interval: 45 });
    const [action, params] = status(protocol);
    expect(await outcome(c, action as string, params as object)).toBe('SecurityError');
    expect(await outcome(c, 'Heartbeat', {})).toBe('SecurityError');
    // The gateway may still ask things of it, and what it triggered is answered (B02.FR.01, B02.FR.09).
    const sent = await t.api('POST', '/api/chargers/REG-1/commands/TriggerMessage', { requestedMessage: 'Heartbeat' });
    expect(sent.status).toBe(200);
    expect(await outcome(c, 'Heartbeat', {})).toBe('answered');
    expect((await t.api('GET', '/api/chargers/REG-1')).body.connectors).toEqual([]);

    const trigger = c.waitForFrame(isTrigger('BootNotification'));
    const accepted = await t.api('PUT', '/api/chargers/REG-1/registration', { registration: 'accepted' });
    expect(accepted.body).toMatchObject({ registration: 'accepted', bootTriggered: true });
    await trigger;
    expect(await c.boot()).toMatchObject({ status: 'Accepted', interval: 120 });
    expect(await outcome(c, action as string, params as object)).toBe('answered');
    await expect.poll(async () => (await t.api('GET', '/api/chargers/REG-1')).body.connectors.length).toBe(1);
    await c.close();
  });

  it('answers a rejected charger Rejected and refuses the rest, and the change is audited', async () => {
    await t.api('PUT', '/api/chargers/REG-2/registration', { registration: 'rejected' });
    const c = t.charger('REG-2', { protocol });
    await c.connect();
    expect(await c.boot()).toMatchObject({ status: 'Rejected', interval: 45 });
    const [action, params] = status(protocol);
    expect(await outcome(c, action as string, params as object)).toBe('SecurityError');
    expect(await outcome(c, 'Authorize', protocol === 'ocpp1.6' ? { idTag: 'X' } : { idToken: { idToken: 'X', type: 'ISO14443' } })).toBe('SecurityError');
    const audit = await t.api('GET', `/api/installations/${(await t.api('GET', '/api/chargers/REG-2')).body.installationId}/audit`);
    expect(audit.body.items).toContainEqual(expect.objectContaining({ action: 'charger.registration_changed', target: 'REG-2' }));
    await c.close();
  });

  it('names the field of a bad registration', async () => {
    const res = await t.api('PUT', '/api/chargers/REG-2/registration', { registration: 'maybe' });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('registration');
  });
});

describe('unknown chargers held Pending', () => {
  it('registers an unknown charger pending when so configured, and serves it once accepted', async () => {
    const t = await startTestGateway('sqlite', { acceptUnknownChargers: true, unknownChargerRegistration: 'pending' });
    try {
      const c = t.charger('STRANGER-1', { protocol: 'ocpp2.0.1' });
      await c.connect();
      expect((await c.boot()).status).toBe('Pending');
      expect((await t.api('GET', '/api/chargers/STRANGER-1')).body.registration).toBe('pending');
      await t.api('PUT', '/api/chargers/STRANGER-1/registration', { registration: 'accepted' });
      expect((await c.boot()).status).toBe('Accepted');
    } finally {
      await t.stop();
    }
  });
});
