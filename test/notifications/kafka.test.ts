import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startMiniKafka, type MiniKafka } from '../helpers/miniKafka/index.js';

/**
 * kind: kafka subscriptions through the real client and the real Kafka wire protocol, against
 * the in-test broker (no broker can be installed on CI machines; see test/notifications/kafka-sink.test.ts
 * for the block that runs against a real one when KAFKA_BROKERS is set).
 */
// The Kafka client's first connection from the delivery thread was seen taking over 10 s on a loaded CI machine (Node 22).
describe('Kafka subscriptions', { timeout: 90_000 }, () => {
  let t: TestGateway;
  let broker: MiniKafka;
  let installationId: string;
  beforeAll(async () => {
    t = await startTestGateway('sqlite', { notificationRetryDelaysMs: [20, 20, 20], notificationProbeMaxMs: 300 });
    broker = await startMiniKafka({ sasl: { username: 'gw', password: 'kafka-Secret-1' } });
    installationId = await t.installation(['K-1', 'K-2'], [{ idTag: 'KCARD' }]);
  });
  afterAll(async () => {
    await t?.stop();
    await broker?.close();
  });

  it('publishes the envelope keyed by charger, with event headers, in order; the password stays write-only', async () => {
    const sub = await t.api('POST', '/api/subscriptions', {
      label: 'kafka',
      kind: 'kafka',
      installationId,
      events: ['connector.status_changed', 'session.started'],
      kafka: { brokers: broker.brokers, topic: 'ocpp-events', securityProtocol: 'SASL_PLAINTEXT', saslMechanism: 'PLAIN', username: 'gw', password: 'kafka-Secret-1' },
    });
    expect(sub.status).toBe(201);
    expect(sub.body.kafka).toMatchObject({ topic: 'ocpp-events', username: 'gw', passwordSet: true });
    expect(JSON.stringify((await t.api('GET', `/api/subscriptions/${sub.body.id}`)).body)).not.toContain('kafka-Secret-1');

    const a = t.charger('K-1');
    const b = t.charger('K-2');
    await Promise.all([a.connect(), b.connect()]);
    await a.status(1, 'Preparing');
    await b.status(1, 'Preparing');
    await a.startTransaction({ connectorId: 1, idTag: 'KCARD', meterStart: 0 });
    await a.status(1, 'Charging');
    await expect.poll(() => broker.records.length, { timeout: 30_000 }).toBe(4);
    const byCharger = (id: string) => broker.records.filter((r) => r.key === id).map((r) => JSON.parse(String(r.value)).type);
    expect(byCharger('K-1')).toEqual(['connector.status_changed', 'session.started', 'connector.status_changed']);
    expect(byCharger('K-2')).toEqual(['connector.status_changed']);
    const first = broker.records[0];
    const envelope = JSON.parse(String(first.value));
    expect(first.topic).toBe('ocpp-events');
    expect(first.headers).toMatchObject({ 'event-type': envelope.type, 'event-id': envelope.id });
    expect(JSON.stringify(t.logs)).not.toContain('kafka-Secret-1');
    await Promise.all([a.close(), b.close()]);
  });

  it('queues while the broker refuses, and drains in order once it accepts', async () => {
    const sub = await t.api('POST', '/api/subscriptions', {
      label: 'kafka-wrong',
      kind: 'kafka',
      installationId,
      events: ['connector.status_changed'],
      kafka: { brokers: broker.brokers, topic: 'other-events', securityProtocol: 'SASL_PLAINTEXT', saslMechanism: 'PLAIN', username: 'gw', password: 'wrong' },
    });
    const c = t.charger('K-2');
    await c.connect();
    await c.call('StatusNotification', { connectorId: 2, status: 'Available', errorCode: 'NoError', info: 'q1' });
    await c.call('StatusNotification', { connectorId: 2, status: 'Available', errorCode: 'NoError', info: 'q2' });
    await expect.poll(async () => (await t.api('GET', `/api/subscriptions/${sub.body.id}`)).body.state, { timeout: 30_000 }).toBe('queued');
    const before = broker.records.filter((r) => r.topic === 'other-events').length;
    expect(before).toBe(0);
    await t.api('PATCH', `/api/subscriptions/${sub.body.id}`, { kafka: { brokers: broker.brokers, topic: 'other-events', securityProtocol: 'SASL_PLAINTEXT', saslMechanism: 'PLAIN', username: 'gw', password: 'kafka-Secret-1' } });
    await expect.poll(() => broker.records.filter((r) => r.topic === 'other-events').length, { timeout: 30_000 }).toBe(2);
    const infos = broker.records.filter((r) => r.topic === 'other-events').map((r) => JSON.parse(String(r.value)).data.info);
    expect(infos).toEqual(['q1', 'q2']);
    await c.close();
  });
});
