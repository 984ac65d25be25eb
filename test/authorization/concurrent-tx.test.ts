// The ConcurrentTx guard over a scripted transaction lookup: which requests it checks, what it
// asks, and what a refusal keeps of the acceptance it replaces.

import { describe, expect, it } from 'vitest';
import { concurrentTxGuard } from '../../src/authorization/concurrentTx.js';
import type { AuthorizationRequest, Decision } from '../../src/authorization/types.js';
import { at, decision, HOUR, request, SITE } from './fakes.js';

function setup(busy: boolean) {
  const asked: [string, string, string, number][] = [];
  const guard = concurrentTxGuard({
    hasActiveElsewhere: async (...args) => {
      asked.push(args);
      return busy;
    },
  });
  return { guard, asked };
}

const start = request({ trigger: 'StartTransaction', connectorId: 1, transactionId: 7, meterStart: 0 });
const ACCEPTANCES: Decision[] = [
  decision('Accepted', 'native', 'accepted', { parentIdTag: 'FLEET', expiryDate: at(HOUR) }),
  decision('Accepted', 'webhook', 'provider_allowed', { sessionId: 'ps-1' }),
  decision('Accepted', 'cache', 'cached_decision'),
  decision('Accepted', 'offline', 'offline_allowed:timeout'),
  decision('Accepted', 'native', 'accepted', { final: false }),
];

describe('ConcurrentTx guard', () => {
  it.each(ACCEPTANCES.map((accepted) => ({ accepted, source: accepted.source })))(
    'refuses a $source acceptance for a tag charging elsewhere, keeping its details',
    async ({ accepted }) => {
      const { guard } = setup(true);
      expect(await guard(start, accepted)).toEqual({ ...accepted, status: 'ConcurrentTx', reason: 'concurrent_tx', final: true });
    },
  );

  it.each(ACCEPTANCES.map((accepted) => ({ accepted, source: accepted.source })))('hands back a $source acceptance as it was when the tag charges nowhere else', async ({ accepted }) => {
    const { guard } = setup(false);
    expect(await guard(start, accepted)).toBe(accepted);
  });

  it.each<{ name: string; req: AuthorizationRequest }>([
    { name: 'an Authorize', req: request({ trigger: 'Authorize' }) },
    { name: 'an Authorize naming a connector', req: request({ trigger: 'Authorize', connectorId: 1 }) },
    { name: 'a start naming no connector', req: request({ trigger: 'StartTransaction' }) },
  ])('does not check $name', async ({ req }) => {
    const { guard, asked } = setup(true);
    const accepted = ACCEPTANCES[0]!;
    expect(await guard(req, accepted)).toBe(accepted);
    expect(asked).toEqual([]);
  });

  it.each([
    { chargerId: 'CP-1', connectorId: 1, idTag: 'CARD' },
    { chargerId: 'CP-2', connectorId: 0, idTag: 'card' },
    { chargerId: 'CP-3', connectorId: 4, idTag: 'CaRd-9' },
  ])('asks about other chargers and connectors than $chargerId/$connectorId, so a re-sent start is not concurrent with itself', async ({ chargerId, connectorId, idTag }) => {
    const { guard, asked } = setup(false);
    await guard({ ...start, chargerId, connectorId, idTag }, ACCEPTANCES[0]!);
    expect(asked).toEqual([[SITE, idTag, chargerId, connectorId]]);
  });
});
