import { afterEach, describe, expect, it, vi } from 'vitest';
import { schemaValidator } from '../../src/ocpp/rpc/validators.js';

describe('the official schemas of each version', () => {
  afterEach(() => vi.restoreAllMocks());

  const authorized = { 'ocpp1.6': { idTagInfo: { status: 'Accepted' } }, 'ocpp2.0.1': { idTokenInfo: { status: 'Accepted' } }, 'ocpp2.1': { idTokenInfo: { status: 'Accepted' } } };

  it.each(['ocpp1.6', 'ocpp2.0.1', 'ocpp2.1'] as const)('compile for %s without a warning on stderr, and check messages', (version) => {
    const warn = vi.spyOn(console, 'warn');
    const error = vi.spyOn(console, 'error');
    const validator = schemaValidator(version);
    validator.request('Heartbeat', {});
    expect(() => validator.request('Heartbeat', { unexpected: true })).toThrow();
    validator.response('Authorize', authorized[version]);
    expect(warn).not.toHaveBeenCalled();
    expect(error).not.toHaveBeenCalled();
  });
});
