// An unexpected failure answers 500 INTERNAL with a request id, and the operator finds the same
// id in an error-level log line naming the route pattern, without the caller's credentials.

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../helpers/databases.js';
import { ADMIN_TOKEN, startTestGateway, type TestGateway } from '../helpers/gateway.js';

describe.each(engines)('unexpected API errors (%s)', (engine) => {
  let t: TestGateway;
  let site: string;

  beforeAll(async () => {
    t = await startTestGateway(engine);
    site = (await t.api('POST', '/api/installations', { name: 'Depot' })).body.id;
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('gives every response a request id', async () => {
    const a = await fetch(`http://127.0.0.1:${t.gw.httpPort}/healthz`);
    const b = await fetch(`http://127.0.0.1:${t.gw.httpPort}/api/installations`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(a.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(b.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.headers.get('x-request-id')).not.toBe(b.headers.get('x-request-id'));
  });

  it('logs a 500 at error level with the route pattern and the request id the caller got', async () => {
    // The store fails under the route: its table is gone.
    await sql`DROP TABLE audit_log`.execute(t.gw.store.db);
    const res = await fetch(`http://127.0.0.1:${t.gw.httpPort}/api/installations/${site}/audit?limit=5`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const body = await res.json();
    expect(res.status).toBe(500);
    expect(body).toMatchObject({ error: 'INTERNAL', requestId: expect.any(String) });
    expect(res.headers.get('x-request-id')).toBe(body.requestId);

    // The request log's line, and one error line with the cause.
    await expect.poll(() => t.logs.some((l) => l.requestId === body.requestId && l.msg === 'api request' && l.status === 500)).toBe(true);
    const lines = t.logs.filter((l) => l.requestId === body.requestId && l.msg !== 'api request');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 50, route: '/api/installations/:id/audit', method: 'GET', err: { message: expect.stringMatching(/audit_log/) } });
    expect(JSON.stringify(lines[0])).not.toContain(ADMIN_TOKEN);
    expect(JSON.stringify(body)).not.toMatch(/audit_log/); // the cause stays in the log
  });
});
