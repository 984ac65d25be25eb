import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import type { SimCharger } from '../../simulators/charger/charger.js';
import { OCPP16_ERROR_CODES } from '../../src/ocpp/errors.js';

/**
 * Each malformed frame gets the CALLERROR that OCPP-J 1.6 names (spelled as 1.6 spells it) and
 * the connection lives on (src/ocpp/rpc/inbound.ts).
 */
describe('malformed frames', () => {
  let t: TestGateway;
  let c: SimCharger;
  beforeAll(async () => {
    t = await startTestGateway('sqlite', { maxFrameBytes: 4096 });
    await t.installation(['BAD-1']);
    c = t.charger('BAD-1');
    await c.connect();
  });
  afterAll(() => t?.stop());

  const isError = (f: unknown[] | string) => Array.isArray(f) && f[0] === 4;

  async function send(raw: string): Promise<unknown[]> {
    const reply = c.waitForFrame(isError, 3000);
    c.sendRaw(raw);
    return reply;
  }

  const cases: [string, string, string, string][] = [
    ['text that is not JSON', 'not json at all', '-1', 'FormationViolation'],
    ['JSON that is not an array', '{"hello":1}', '-1', 'FormationViolation'],
    ['a message id that is not a string', '[2, 42, "Heartbeat", {}]', '-1', 'FormationViolation'],
    ['an unknown message type', '[9, "m-type", "Heartbeat", {}]', '-1', 'FormationViolation'],
    ['an unknown action', '[2, "m-action", "FlyToTheMoon", {}]', 'm-action', 'NotImplemented'],
    ['a field of the wrong type', '[2, "m-type2", "BootNotification", {"chargePointVendor": 5, "chargePointModel": "M"}]', 'm-type2', 'TypeConstraintViolation'],
    ['a missing required field', '[2, "m-missing", "BootNotification", {"chargePointVendor": "V"}]', 'm-missing', 'OccurenceConstraintViolation'],
    ['an unexpected field', '[2, "m-extra", "Authorize", {"idTag": "A", "colour": "red"}]', 'm-extra', 'PropertyConstraintViolation'],
    ['a string over its maximum length', '[2, "m-long", "Authorize", {"idTag": "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}]', 'm-long', 'FormationViolation'],
    ['a bad enumeration value', '[2, "m-enum", "StatusNotification", {"connectorId": 1, "errorCode": "NoError", "status": "Sleeping"}]', 'm-enum', 'FormationViolation'],
  ];

  it.each(cases)('answers %s with a 1.6 CALLERROR and keeps the connection', async (_name, raw, id, code) => {
    const frame = await send(raw);
    expect(frame[1]).toBe(id);
    expect(frame[2]).toBe(code);
    expect(OCPP16_ERROR_CODES).toContain(frame[2]);
    expect(typeof frame[3]).toBe('string');
    expect(c.isOpen).toBe(true);
    expect((await c.heartbeat()).currentTime).toBeTruthy();
  });

  it('answers an oversized frame with FormationViolation and its message id, and keeps the connection', async () => {
    const big = JSON.stringify([2, 'm-big', 'DataTransfer', { vendorId: 'x', data: 'y'.repeat(6000) }]);
    const frame = await send(big);
    expect(frame.slice(0, 3)).toEqual([4, 'm-big', 'FormationViolation']);
    expect(frame[3]).toMatch(/exceeds the limit of 4096 bytes/);
    expect((await c.heartbeat()).currentTime).toBeTruthy();
  });

  it('answers a frame nested far deeper than any OCPP payload with FormationViolation and keeps the connection', async () => {
    const deep = `[2, "m-deep", "DataTransfer", {"vendorId": "x", "data": ${'['.repeat(2000)}${']'.repeat(2000)}}]`;
    const frame = await send(deep);
    expect(frame.slice(0, 3)).toEqual([4, 'm-deep', 'FormationViolation']);
    expect((await c.heartbeat()).currentTime).toBeTruthy();
  });

  it('answers an oversized CALL under its id as sent, escapes and non-ASCII included', async () => {
    const id = 'big-é-"q"';
    const frame = await send(JSON.stringify([2, id, 'DataTransfer', { vendorId: 'x', data: 'y'.repeat(6000) }]));
    expect(frame.slice(0, 3)).toEqual([4, id, 'FormationViolation']);
  });

  it('answers a repeated CALL with a non-ASCII, escaped id once, with the first reply', async () => {
    const id = 'dup-ü-\\-"x"';
    const raw = JSON.stringify([2, id, 'Heartbeat', {}]);
    const first = c.waitForFrame((f) => Array.isArray(f) && f[1] === id);
    c.sendRaw(raw);
    const a = await first;
    const second = c.waitForFrame((f) => Array.isArray(f) && f[1] === id);
    c.sendRaw(raw);
    expect(await second).toEqual(a);
  });

  it('does not answer a CALLRESULT for a call it never made', async () => {
    c.sendRaw('[3, "never-sent", {}]');
    const answered = await c.waitForFrame((f) => Array.isArray(f) && f[1] === 'never-sent', 300).then(() => true, () => false);
    expect(answered).toBe(false);
    expect((await c.heartbeat()).currentTime).toBeTruthy();
  });

  it('logs each malformed frame with the charger id', () => {
    const lines = t.logs.filter((l) => l.chargerId === 'BAD-1' && /malformed|schema|oversized/.test(l.msg));
    expect(lines.length).toBeGreaterThanOrEqual(cases.length);
  });
});
