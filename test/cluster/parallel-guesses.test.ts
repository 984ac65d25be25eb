// Guesses spread over two nodes on one PostgreSQL: the failed-attempt limits are counted in the
// store, so together the nodes check no more than one node alone would.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { call } from '../helpers/portal.js';
import { tally } from '../helpers/tally.js';

const LIMIT = 5;
const CHARGER_ID_LIMIT = 5;
const basic = (id: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${id}:${password}`).toString('base64')}` });

describe('failed-attempt limits across nodes', () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startTestCluster(2, { loginMaxFailures: LIMIT });
    expect((await cluster.nodes[0].api('POST', '/api/users', { email: 'ann@example.com', password: 'correct horse battery' })).status).toBe(201);
  });
  afterAll(() => cluster?.stop());

  it('checks at most the limit of 50 wrong passwords for one email sent at once to two nodes', async () => {
    const bases = cluster.nodes.map((n) => `http://127.0.0.1:${n.gw.httpPort}`);
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => call(bases[i % 2], 'POST', '/api/auth/login', { email: 'ann@example.com', password: `wrong ${i}` })),
    );
    expect(tally(answers)).toEqual({ 401: LIMIT, 429: 50 - LIMIT });
  });

  it('checks at most the limit of 100 wrong passwords for one charger sent at once to two nodes', async () => {
    const [a, b] = cluster.nodes;
    const site = await a.api('POST', '/api/installations', { name: 'Basic', securityProfile: 1 });
    await a.api('POST', `/api/installations/${site.body.id}/chargers`, { id: 'CL-GUESSED' });
    expect((await a.api('POST', '/api/chargers/CL-GUESSED/password', {})).status).toBe(201);
    const codes = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        [a, b][i % 2]
          .charger('CL-GUESSED', { headers: basic('CL-GUESSED', `wrong-guess-${i}-xxxxxxxx`) })
          .connect()
          .then(() => 0, (e) => e.statusCode as number),
      ),
    );
    expect(tally(codes)).toEqual({ 401: CHARGER_ID_LIMIT, 429: 100 - CHARGER_ID_LIMIT });
  });
});
