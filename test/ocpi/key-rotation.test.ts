// Credentials tokens at rest: sealed with the secret key (never in clear, never logged), sealed
// again when the key rotates, and both directions still work after restarts on the new key alone.

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../helpers/databases.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startEmsp, type MockEmsp } from '../../simulators/emsp/server.js';
import { OCPI_CONFIG } from './helpers.js';

const keyA = randomBytes(32).toString('base64');
const keyB = randomBytes(32).toString('base64');

describe.each(engines)('OCPI credentials tokens across a key rotation (%s)', (engine) => {
  let t: TestGateway;
  let emsp: MockEmsp;
  let site: string;

  beforeAll(async () => {
    t = await startTestGateway(engine, { ...OCPI_CONFIG, secretKey: keyA });
    emsp = await startEmsp({ countryCode: 'NL', partyId: 'TNM' });
    const tokenA = emsp.issueTokenA();
    expect((await t.api('POST', '/api/ocpi/partners', { versionsUrl: emsp.versionsUrl, tokenA, countryCode: 'NL', partyId: 'TNM' })).status).toBe(201);
    site = await t.installation(['ROT-OCPI-1']);
    await t.api('PUT', `/api/installations/${site}/authorization-sources`, { sources: ['ocpi'] });
  });
  afterAll(async () => {
    await emsp?.close();
    await t?.stop();
  });

  const sealed = async () => t.gw.store.db.selectFrom('ocpi_partners').select(['outbound_token', 'inbound_token', 'inbound_token_hash']).executeTakeFirstOrThrow();
  /** What each side holds in clear: the eMSP's token C (ours to send) and our token B (the eMSP's). */
  const plain = () => [...emsp.state.accepted, emsp.state.cpoToken!];
  const works = async (card: string) => {
    emsp.answer(card, 'ALLOWED');
    const c = t.charger('ROT-OCPI-1');
    await c.connect();
    const status = (await c.authorize(card)).idTagInfo.status;
    await c.close();
    const push = await emsp.pushToken({ uid: `${card}-PUSHED` });
    return { status, push: push.body.status_code };
  };

  it('keeps both tokens sealed, neither in clear in the database nor in the log', async () => {
    const row = await sealed();
    for (const value of [row.outbound_token!, row.inbound_token!]) {
      expect(value).toMatch(/^v2:[0-9a-f]{8}:/);
      for (const secret of plain()) expect(value).not.toContain(secret);
    }
    expect(await works('ROT-1')).toEqual({ status: 'Accepted', push: 1000 });
  });

  it('seals them again with a new key, and both directions work on the new key alone', async () => {
    const before = await sealed();
    // Same port: the eMSP keeps the endpoint URLs it read at registration.
    const httpPort = t.gw.httpPort;
    await t.restart({ ...OCPI_CONFIG, httpPort, secretKey: keyB, previousSecretKeys: [keyA] });
    const after = await sealed();
    expect(after.outbound_token!.split(':')[1]).not.toBe(before.outbound_token!.split(':')[1]);
    expect(after.inbound_token_hash).toBe(before.inbound_token_hash);
    await t.restart({ ...OCPI_CONFIG, httpPort, secretKey: keyB, previousSecretKeys: [] });
    expect(await works('ROT-2')).toEqual({ status: 'Accepted', push: 1000 });
    const logs = JSON.stringify(t.logs);
    for (const secret of plain()) expect(logs).not.toContain(secret);
  });
});
