import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oauthPayload, PROVIDER_PASSWORD, startWebhookSetup, type WebhookSetup } from '../helpers/webhooks.js';
import { ADMIN_TOKEN } from '../helpers/gateway.js';
import { receiver } from '../helpers/notifications.js';
import type { Receiver } from '../../simulators/receiver/index.js';

/**
 * One scenario that uses every kind of secret the gateway holds, then scans every log line and
 * every API reply for them. Only the two replies that exist to hand a secret over once (a new
 * subscription's secret, a new charger password) may contain one, each only its own.
 */
describe('secrets never reach logs or API replies', () => {
  let w: WebhookSetup;
  let r: Receiver;
  const replies: { path: string; body: string }[] = [];
  const secrets: string[] = [ADMIN_TOKEN, PROVIDER_PASSWORD];

  beforeAll(async () => {
    w = await startWebhookSetup('sqlite', {}, { rules: { defaultAllowed: true } });
    r = await receiver({ secret: 'Subscription-Secret-445566', basicAuth: { username: 'hook', password: 'Hook-Password-778899' } });
  });
  afterAll(async () => {
    await w?.stop();
    await r?.close();
  });

  const api = async (method: string, path: string, body?: unknown, handsOver = false) => {
    const res = await w.t.api(method, path, body);
    if (!handsOver) replies.push({ path: `${method} ${path}`, body: JSON.stringify(res.body ?? '') });
    return res;
  };

  it('runs a scenario with every secret', async () => {
    const inst = await api('POST', '/api/installations', {
      name: 'Secrets',
      authentication: { mode: 'webhook', authUrl: w.provider.tokenUrl, authPayload: oauthPayload, sessionStartUrl: w.provider.startUrl, sessionEndUrl: w.provider.endUrl },
    });
    await api('POST', `/api/installations/${inst.body.id}/chargers`, { id: 'SCAN-1' });
    await api('PATCH', `/api/installations/${inst.body.id}`, { securityProfile: 1 });
    const pw = await api('POST', '/api/chargers/SCAN-1/password', {}, true);
    secrets.push(pw.body.password);
    const sub = await api(
      'POST',
      '/api/subscriptions',
      {
        label: 'scan', url: r.url, events: ['*'], secret: 'Subscription-Secret-445566',
        authentication: { kind: 'basic', username: 'hook', password: 'Hook-Password-778899' },
      },
      true,
    );
    secrets.push('Subscription-Secret-445566', 'Hook-Password-778899');
    const kafka = await api('POST', '/api/subscriptions', {
      label: 'kafka', kind: 'kafka', events: ['session.stopped'],
      kafka: { brokers: ['127.0.0.1:1'], topic: 't', securityProtocol: 'SASL_PLAINTEXT', saslMechanism: 'PLAIN', username: 'u', password: 'Kafka-Password-112233' },
    }, true);
    secrets.push('Kafka-Password-112233');
    // The token the provider issued is a secret too.
    const c = w.t.charger('SCAN-1', { headers: { authorization: `Basic ${Buffer.from(`SCAN-1:${pw.body.password}`).toString('base64')}` } });
    await c.connect();
    await c.boot();
    const { transactionId } = await c.startTransaction({ connectorId: 1, idTag: 'SCANTAG', meterStart: 0 });
    await c.stopTransaction({ transactionId, meterStop: 10 });
    await c.close();
    const bearer = String(w.provider.received.starts.at(-1)!.headers.authorization).replace(/^Bearer /, '');
    secrets.push(bearer);
    await r.waitFor(3);
    await expect.poll(() => w.provider.received.ends.length).toBe(1);
    for (const path of [
      '/api/installations', `/api/installations/${inst.body.id}`, '/api/chargers/SCAN-1', '/api/subscriptions',
      `/api/subscriptions/${sub.body.id}`, `/api/subscriptions/${kafka.body.id}`, `/api/subscriptions/${sub.body.id}/deliveries`,
      `/api/transactions/${transactionId}`, '/api/openapi.json',
    ]) {
      await api('GET', path);
    }
    await api('POST', `/api/subscriptions/${sub.body.id}/test`);
    expect(secrets.every((s) => typeof s === 'string' && s.length >= 16)).toBe(true);
  });

  it('finds none of them in any log line or API reply', () => {
    const logs = JSON.stringify(w.t.logs);
    for (const secret of secrets) {
      expect(logs.includes(secret), `a log line contains a secret (${secret.slice(0, 4)}…)`).toBe(false);
      for (const reply of replies) expect(reply.body.includes(secret), `${reply.path} contains a secret (${secret.slice(0, 4)}…)`).toBe(false);
    }
    expect(replies.length).toBeGreaterThan(10);
  });
});
