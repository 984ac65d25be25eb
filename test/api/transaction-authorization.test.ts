// GET /api/transactions/:id tells how the start was authorized: the decision, the idTagInfo the
// charger got, and the provider's answer when the provider decided.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { basicPayload, startProviderSetup, type ProviderSetup } from '../helpers/provider.js';
import type { SimCharger } from '../../simulators/charger/charger.js';

const EXPIRY = '2031-01-01T00:00:00.000Z';

describe.each(['sqlite', 'postgres'] as const)('transaction authorization (%s)', (engine) => {
  let w: ProviderSetup;
  let c: SimCharger;
  let connector = 0;

  beforeAll(async () => {
    w = await startProviderSetup(engine, { decisionCacheTtlSec: 0 }, {
      rules: { allow: ['GOOD-1', 'GOOD-2'], deny: [{ idTag: 'STOLEN-1', status: 'Blocked', reason: 'reported stolen' }], expiryDate: EXPIRY },
    });
    await w.installation(['AUTH-1'], { mode: 'webhook', authPayload: basicPayload, sessionStartUrl: w.provider.startUrl, offlineAllow: true });
    c = w.t.charger('AUTH-1');
    await c.connect();
  });
  afterEach(() => w.provider.clearFaults());
  afterAll(() => w?.stop());

  async function authorizationOf(idTag: string) {
    const { transactionId } = await c.startTransaction({ connectorId: ++connector, idTag, meterStart: 0 });
    const res = await w.t.api('GET', `/api/transactions/${transactionId}`);
    expect(res.status).toBe(200);
    return res.body.authorization;
  }

  it('shows a provider’s acceptance with its session id and expiry', async () => {
    const a = await authorizationOf('GOOD-1');
    expect(a).toEqual({
      status: 'Accepted', source: 'webhook', reason: 'provider_allowed', expiryDate: EXPIRY, parentIdTag: null,
      provider: { allowed: true, status: 'Accepted', reason: null, httpStatus: null, sessionId: expect.any(String), expiryDate: EXPIRY, parentIdTag: null },
    });
  });

  it('shows a provider’s refusal with its own words', async () => {
    expect(await authorizationOf('STOLEN-1')).toMatchObject({
      status: 'Blocked', source: 'webhook',
      provider: { allowed: false, status: 'Blocked', reason: 'reported stolen', httpStatus: null, sessionId: null },
    });
  });

  it('shows a refusal by HTTP status', async () => {
    w.provider.injectFault({ path: 'start', fault: { mode: 'status', status: 403 } });
    expect(await authorizationOf('GOOD-2')).toMatchObject({ status: 'Invalid', provider: { allowed: false, httpStatus: 403, reason: null } });
  });

  it('has no provider answer when the offline policy decided', async () => {
    w.provider.injectFault({ path: 'start', fault: { mode: 'status', status: 503 } });
    expect(await authorizationOf('VISITOR-3')).toEqual({
      status: 'Accepted', source: 'offline', reason: 'offline_allowed:http_503', expiryDate: null, parentIdTag: null, provider: null,
    });
  });
});
