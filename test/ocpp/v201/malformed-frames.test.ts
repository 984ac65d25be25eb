import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import type { SimCharger } from '../../../simulators/charger/charger.js';
import { OCPP16_ERROR_CODES, OCPP201_ERROR_CODES } from '../../../src/ocpp/errors.js';

type Version = 'ocpp1.6' | 'ocpp2.0.1' | 'ocpp2.1';

/** What each version's charger gets for the same fault: its own spelling (OCPP-J 1.6 table 7, OCPP-J 2.0.1 table 5). */
const EXPECTED: Record<Version, { codes: readonly string[]; parse: string; type: string; missing: string; tooLong: string; longId: string }> = {
  'ocpp1.6': { codes: OCPP16_ERROR_CODES, parse: 'FormationViolation', type: 'FormationViolation', missing: 'OccurenceConstraintViolation', tooLong: 'FormationViolation', longId: 'FormationViolation' },
  'ocpp2.0.1': { codes: OCPP201_ERROR_CODES, parse: 'RpcFrameworkError', type: 'MessageTypeNotSupported', missing: 'OccurrenceConstraintViolation', tooLong: 'FormatViolation', longId: 'FormatViolation' },
  'ocpp2.1': { codes: OCPP201_ERROR_CODES, parse: 'RpcFrameworkError', type: 'MessageTypeNotSupported', missing: 'OccurrenceConstraintViolation', tooLong: 'FormatViolation', longId: 'FormatViolation' },
};

/** A DataTransfer vendorId over its maximum length (255 in every version). */
const LONG_VENDOR = '[2, "m-long", "DataTransfer", {"vendorId": "' + 'v'.repeat(256) + '"}]';

describe.each(Object.keys(EXPECTED) as Version[])('malformed frames on an %s connection', (protocol) => {
  const expected = EXPECTED[protocol];
  let t: TestGateway;
  let c: SimCharger;
  beforeAll(async () => {
    t = await startTestGateway('sqlite');
    await t.installation(['BAD-V']);
    c = t.charger('BAD-V', { protocol });
    await c.connect();
  });
  afterAll(() => t?.stop());

  const cases: [string, string, string, string][] = [
    ['text that is not JSON', 'not json at all', '-1', expected.parse],
    ['an unknown message type', '[9, "m-type", "Heartbeat", {}]', '-1', expected.type],
    ['an unknown action', '[2, "m-action", "FlyToTheMoon", {}]', 'm-action', 'NotImplemented'],
    ['a field of the wrong type', '[2, "m-wrong", "DataTransfer", {"vendorId": 5}]', 'm-wrong', 'TypeConstraintViolation'],
    ['a missing required field', '[2, "m-missing", "DataTransfer", {}]', 'm-missing', expected.missing],
    ['a string over its maximum length', LONG_VENDOR, 'm-long', expected.tooLong],
    ['a message id over 36 characters', `[2, "${'i'.repeat(37)}", "Heartbeat", {}]`, 'i'.repeat(37), expected.longId],
  ];

  it.each(cases)('answers %s with its own CALLERROR code and keeps the connection', async (_name, raw, id, code) => {
    const reply = c.waitForFrame((f) => Array.isArray(f) && f[0] === 4, 3000);
    c.sendRaw(raw);
    const frame = await reply;
    expect(frame.slice(0, 3)).toEqual([4, id, code]);
    expect(expected.codes).toContain(frame[2]);
    expect(c.isOpen).toBe(true);
    expect((await c.call('Heartbeat', {})).currentTime).toBeTruthy();
  });
});
