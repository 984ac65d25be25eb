import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicPayload, PROVIDER_PASSWORD, startProviderSetup, type ProviderSetup } from '../helpers/provider.js';
import { receiver, subscribe } from '../helpers/notifications.js';
import type { Receiver } from '../../simulators/receiver/index.js';
import { enrolTotp, signIn, totpCode } from '../helpers/portal.js';

const keyA = randomBytes(32).toString('base64');
const keyB = randomBytes(32).toString('base64');
const HOOK_SECRET = 'Rotation-Hook-Secret-0001';
const HOOK_PASSWORD = 'Rotation-Hook-Password-02';
const KAFKA_PASSWORD = 'Rotation-Kafka-Password-3';
/** A signing secret rotated away, still signing during its overlap. */
const PREVIOUS_SIGNING = 'Rotation-Previous-Signing-4';

describe.each(['sqlite', 'postgres'] as const)('rotating the secret key on %s', (engine) => {
  let w: ProviderSetup;
  let r: Receiver;
  let installationId: string;
  let hookId: string;
  let kafkaId: string;
  let rotatedId: string;
  let totpSecret: string;
  const base = () => `http://127.0.0.1:${w.t.gw.httpPort}`;
  beforeAll(async () => {
    w = await startProviderSetup(engine, { secretKey: keyA }, { rules: { defaultAllowed: true } });
    installationId = await w.installation(['ROT-1'], { mode: 'webhook', authPayload: basicPayload, sessionStartUrl: w.provider.startUrl });
    r = await receiver({ secret: HOOK_SECRET, basicAuth: { username: 'hook', password: HOOK_PASSWORD } });
    hookId = (await subscribe(w.t, { url: r.url, events: ['*'], secret: HOOK_SECRET, authentication: { kind: 'basic', username: 'hook', password: HOOK_PASSWORD } })).id;
    kafkaId = (
      await subscribe(w.t, {
        kind: 'kafka', events: ['session.stopped'],
        kafka: { brokers: ['127.0.0.1:1'], topic: 't', securityProtocol: 'SASL_PLAINTEXT', saslMechanism: 'PLAIN', username: 'u', password: KAFKA_PASSWORD },
      })
    ).id;
    rotatedId = (await subscribe(w.t, { url: 'http://127.0.0.1:9/hooks', events: ['*'], enabled: false, secret: PREVIOUS_SIGNING })).id;
    expect((await w.t.api('POST', `/api/subscriptions/${rotatedId}/secret`, { overlapHours: 24 })).status).toBe(200);
    await w.t.api('POST', '/api/users', { email: 'rotate@example.com', password: 'rotation password' });
    totpSecret = (await enrolTotp(await signIn(base(), 'rotate@example.com', 'rotation password'))).secret;
  });
  afterAll(async () => {
    await w?.stop();
    await r?.close();
  });

  /** Every sealed column this test filled, with the plaintext it must not show. */
  const sealedColumns = async () => {
    const db = w.t.gw.store.db;
    const inst = await db.selectFrom('installations').select('auth_payload').where('id', '=', installationId).executeTakeFirstOrThrow();
    const hook = await db.selectFrom('subscriptions').select(['secret', 'auth_password']).where('id', '=', hookId).executeTakeFirstOrThrow();
    const kafka = await db.selectFrom('subscriptions').select('kafka_password').where('id', '=', kafkaId).executeTakeFirstOrThrow();
    const rotated = await db.selectFrom('subscriptions').select('previous_secret').where('id', '=', rotatedId).executeTakeFirstOrThrow();
    const totp = await db.selectFrom('totp').select('secret').executeTakeFirstOrThrow();
    return [
      { value: totp.secret, plain: totpSecret },
      { value: inst.auth_payload as string, plain: PROVIDER_PASSWORD },
      { value: hook.secret as string, plain: HOOK_SECRET },
      { value: hook.auth_password as string, plain: HOOK_PASSWORD },
      { value: kafka.kafka_password as string, plain: KAFKA_PASSWORD },
      { value: rotated.previous_secret as string, plain: PREVIOUS_SIGNING },
    ];
  };
  const keyIds = async () => new Set((await sealedColumns()).map((c) => c.value.split(':')[1]));
  const authorizes = async (tag: string) => {
    const c = w.t.charger('ROT-1');
    await c.connect();
    const status = (await c.authorize(tag)).idTagInfo.status;
    await c.close();
    return status;
  };
  /** A test delivery arrives signed with the subscription secret and with its Basic password. */
  const hookWorks = async () => {
    const before = r.deliveries.length;
    expect((await w.t.api('POST', `/api/subscriptions/${hookId}/test`)).status).toBeLessThan(300);
    await r.waitFor(before + 1);
    expect(r.deliveries.at(-1)!.verified).toBe(true);
    expect(r.rejected).toEqual([]);
  };

  it('stores provider payloads, subscription secrets and passwords, Kafka passwords and TOTP secrets encrypted, never in clear', async () => {
    for (const { value, plain } of await sealedColumns()) {
      expect(value).toMatch(/^v2:[0-9a-f]{8}:/);
      expect(value).not.toContain(plain);
    }
    expect((await keyIds()).size).toBe(1);
    expect(await authorizes('ROT-A')).toBe('Accepted');
    await hookWorks();
  });

  it('re-seals every secret with the new key at start-up, then runs without the old one', async () => {
    const [before] = await keyIds();
    await w.t.restart({ secretKey: keyB, previousSecretKeys: [keyA] });
    const after = await keyIds();
    expect(after.size).toBe(1);
    expect(after.has(before)).toBe(false);
    for (const { value, plain } of await sealedColumns()) expect(value).not.toContain(plain);
    expect(w.t.logs.some((l) => l.msg === 'stored secrets sealed again with the current key' && l.resealed === 5)).toBe(true);
    expect(await authorizes('ROT-B')).toBe('Accepted');

    await w.t.restart({ secretKey: keyB, previousSecretKeys: [] });
    expect(await authorizes('ROT-C')).toBe('Accepted');
    expect(w.provider.received.starts.at(-1)!.headers.authorization).toBe(`Basic ${Buffer.from(`gateway:${PROVIDER_PASSWORD}`).toString('base64')}`);
    await hookWorks();
    // The Kafka sink reads its password through the same store call; it opens with the new key alone.
    expect((await w.t.gw.store.subscriptions.secrets(kafkaId))?.kafkaPassword).toBe(KAFKA_PASSWORD);
    // A rotated signing secret keeps signing through its overlap after the key rotation too.
    expect((await w.t.gw.store.subscriptions.secrets(rotatedId))?.previousSecret).toBe(PREVIOUS_SIGNING);
    // A user's TOTP secret too: codes from their authenticator app still sign them in.
    expect((await signIn(base(), 'rotate@example.com', 'rotation password', totpCode(totpSecret, 1))).login.status).toBe(200);
    const logs = JSON.stringify(w.t.logs);
    for (const secret of [PROVIDER_PASSWORD, HOOK_SECRET, HOOK_PASSWORD, KAFKA_PASSWORD, PREVIOUS_SIGNING, totpSecret]) expect(logs).not.toContain(secret);
  });
});
