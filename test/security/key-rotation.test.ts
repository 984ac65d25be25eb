import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicPayload, PROVIDER_PASSWORD, startWebhookSetup, type WebhookSetup } from '../helpers/webhooks.js';

const keyA = randomBytes(32).toString('base64');
const keyB = randomBytes(32).toString('base64');

describe.each(['sqlite', 'postgres'] as const)('rotating the secret key on %s', (engine) => {
  let w: WebhookSetup;
  let installationId: string;
  beforeAll(async () => {
    w = await startWebhookSetup(engine, { secretKey: keyA }, { rules: { defaultAllowed: true } });
    installationId = await w.installation(['ROT-1'], { mode: 'webhook', authPayload: basicPayload, sessionStartUrl: w.provider.startUrl });
  });
  afterAll(() => w?.stop());

  const sealed = async () =>
    (await w.t.gw.store.db.selectFrom('installations').select('auth_payload').where('id', '=', installationId).executeTakeFirstOrThrow()).auth_payload as string;
  const authorizes = async (tag: string) => {
    const c = w.t.charger('ROT-1');
    await c.connect();
    const status = (await c.authorize(tag)).idTagInfo.status;
    await c.close();
    return status;
  };

  it('stores provider payloads encrypted, never in clear', async () => {
    const value = await sealed();
    expect(value).toMatch(/^v2:[0-9a-f]{8}:/);
    expect(value).not.toContain(PROVIDER_PASSWORD);
    expect(await authorizes('ROT-A')).toBe('Accepted');
  });

  it('re-seals every secret with the new key at start-up, then runs without the old one', async () => {
    const before = await sealed();
    await w.t.restart({ secretKey: keyB, previousSecretKeys: [keyA] });
    const after = await sealed();
    expect(after.split(':')[1]).not.toBe(before.split(':')[1]);
    expect(w.t.logs.some((l) => l.msg === 'stored secrets sealed again with the current key')).toBe(true);
    expect(await authorizes('ROT-B')).toBe('Accepted');

    await w.t.restart({ secretKey: keyB, previousSecretKeys: [] });
    expect(await authorizes('ROT-C')).toBe('Accepted');
    expect(w.provider.received.starts.at(-1)!.headers.authorization).toBe(`Basic ${Buffer.from(`gateway:${PROVIDER_PASSWORD}`).toString('base64')}`);
    expect(JSON.stringify(w.t.logs)).not.toContain(PROVIDER_PASSWORD);
  });
});
