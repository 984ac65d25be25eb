// What the provider answered, read back from a stored decision's reason code: one row per code.

import { describe, expect, it } from 'vitest';
import { providerReplySummary, type ProviderReplySummary, type StoredDecision } from '../../src/authorization/summary.js';

const DETAILS = { sessionId: 'ps-1', expiryDate: '2030-01-02T00:00:00.000Z', parentIdTag: 'FLEET' };
const NO_DETAILS = { sessionId: null, expiryDate: null, parentIdTag: null };

function stored(status: string, source: string, reason: string | null, details: Partial<StoredDecision> = DETAILS): StoredDecision {
  return { status, source, reason, ...NO_DETAILS, ...details };
}

type Details = Pick<ProviderReplySummary, 'sessionId' | 'expiryDate' | 'parentIdTag'>;
const yes = (details: Details = DETAILS): ProviderReplySummary => ({ allowed: true, status: 'Accepted', reason: null, httpStatus: null, ...details });
const no = (status: string, reason: string | null, httpStatus: number | null): ProviderReplySummary => ({ allowed: false, status, reason, httpStatus, ...DETAILS });

describe('providerReplySummary', () => {
  it.each<{ name: string; d: StoredDecision; expected: ProviderReplySummary }>([
    { name: 'provider_allowed', d: stored('Accepted', 'webhook', 'provider_allowed'), expected: yes() },
    { name: 'provider_allowed without details', d: stored('Accepted', 'webhook', 'provider_allowed', NO_DETAILS), expected: yes(NO_DETAILS) },
    { name: 'concurrent_tx after the provider allowed', d: stored('ConcurrentTx', 'webhook', 'concurrent_tx'), expected: yes() },
    { name: 'provider_refused', d: stored('Blocked', 'webhook', 'provider_refused'), expected: no('Blocked', null, null) },
    { name: 'provider_refused as ConcurrentTx by the provider itself', d: stored('ConcurrentTx', 'webhook', 'provider_refused'), expected: no('ConcurrentTx', null, null) },
    { name: 'provider_refused:<text>', d: stored('Expired', 'webhook', 'provider_refused:card expired'), expected: no('Expired', 'card expired', null) },
    { name: 'provider_refused:<text with colons>', d: stored('Invalid', 'webhook', 'provider_refused:code: 12: unknown'), expected: no('Invalid', 'code: 12: unknown', null) },
    { name: 'provider_http_403', d: stored('Invalid', 'webhook', 'provider_http_403'), expected: no('Invalid', null, 403) },
    { name: 'provider_http_404', d: stored('Invalid', 'webhook', 'provider_http_404'), expected: no('Invalid', null, 404) },
    { name: 'another code (timeout)', d: stored('Invalid', 'webhook', 'timeout'), expected: no('Invalid', null, null) },
    { name: 'no reason', d: stored('Invalid', 'webhook', null), expected: no('Invalid', null, null) },
  ])('webhook, $name', ({ d, expected }) => {
    expect(providerReplySummary(d)).toEqual(expected);
  });

  it.each<{ source: string; reason: string }>([
    { source: 'native', reason: 'accepted' },
    { source: 'native', reason: 'concurrent_tx' },
    { source: 'cache', reason: 'cached_decision' },
    { source: 'cache', reason: 'provider_unreachable_cached_acceptance' },
    { source: 'offline', reason: 'offline_allowed:timeout' },
    { source: 'offline', reason: 'offline_denied:http_503' },
    { source: 'default', reason: 'unknown_id_tag' },
    { source: 'default', reason: 'provider_allowed' },
  ])('$source, $reason: the provider did not decide', ({ source, reason }) => {
    expect(providerReplySummary(stored('Accepted', source, reason))).toBeNull();
  });
});
