// How long a 2.0.1 charger may keep a decision in its authorization cache.
import { describe, expect, it } from 'vitest';
import { toIdTokenInfo } from '../../../src/ocpp/v201/idTokenInfo.js';
import type { Decision } from '../../../src/authorization/types.js';

const NOW = Date.parse('2026-06-01T00:00:00.000Z');
const accepted = (over: Partial<Decision>): Decision => ({ status: 'Accepted', source: 'webhook', reason: 'provider_allowed', final: true, ...over });

describe('toIdTokenInfo', () => {
  it("lets a provider acceptance be cached as long as the gateway reuses it, and one the provider said not to keep not at all", () => {
    expect(toIdTokenInfo(accepted({}), { cacheTtlSec: 60, now: NOW }).cacheExpiryDateTime).toBe('2026-06-01T00:01:00.000Z');
    expect(Date.parse(toIdTokenInfo(accepted({ noCache: true }), { cacheTtlSec: 60, now: NOW }).cacheExpiryDateTime!)).toBeLessThan(NOW);
  });

  it('names the parent tag as a Central group token', () => {
    expect(toIdTokenInfo(accepted({ source: 'native', parentIdTag: 'FLEET' }), { cacheTtlSec: 60, now: NOW })).toEqual({ status: 'Accepted', groupIdToken: { idToken: 'FLEET', type: 'Central' } });
  });
});
