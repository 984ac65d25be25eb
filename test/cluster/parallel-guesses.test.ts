// Guesses spread over two nodes on one PostgreSQL: the failed-attempt limits are counted in the
// store, so together the nodes check no more than one node alone would.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { call } from '../helpers/portal.js';
import { tally } from '../helpers/tally.js';

const LIMIT = 5;

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

});
