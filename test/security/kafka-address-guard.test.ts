import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAddressPolicy } from '../../src/http/addressPolicy.js';
import { createKafkaSink, type KafkaSettings, type KafkaSink } from '../../src/notifications/delivery/kafka/sink.js';
import { startMiniKafka, type MiniKafka } from '../helpers/miniKafka/index.js';

const MESSAGES = [{ key: 'CP-1', value: '{"type":"charger.booted"}', headers: { 'event-type': 'charger.booted' } }];

/**
 * The outbound address policy on the Kafka client's own connections: bootstrap brokers and the
 * brokers the cluster advertises are checked on the address connected to, not only at save time.
 */
describe('Kafka broker connections under the outbound address policy', () => {
  let broker: MiniKafka;
  const sinks: KafkaSink[] = [];
  beforeAll(async () => {
    broker = await startMiniKafka();
  });
  afterAll(async () => {
    await Promise.all(sinks.map((s) => s.close()));
    await broker?.close();
  });

  const send = async (brokers: string[], allow: string[]) => {
    const settings: KafkaSettings = { brokers, topic: 'events', securityProtocol: 'PLAINTEXT', timeoutMs: 3000 };
    const sink = createKafkaSink(settings, createAddressPolicy({ allow }));
    sinks.push(sink);
    return sink.send(MESSAGES);
  };
  const localhost = () => `localhost:${broker.port}`;

  it('refuses a literal loopback broker before connecting: the broker sees no request', async () => {
    const before = broker.requests.length;
    const result = await send(broker.brokers, []);
    expect(result).toMatchObject({ ok: false });
    expect(!result.ok && result.error).toMatch(/refused to connect to Kafka broker 127\.0\.0\.1: loopback address 127\.0\.0\.1 is not an allowed target/);
    expect(broker.requests.length).toBe(before);
    expect(broker.records).toEqual([]);
  });

  it('refuses a broker name on the address it resolves to, when it is resolved for the connection', async () => {
    const before = broker.requests.length;
    const result = await send([localhost()], []);
    expect(!result.ok && result.error).toMatch(/refused to connect to Kafka broker localhost: loopback address .* is not an allowed target/);
    expect(broker.requests.length).toBe(before);
  });

  it('refuses an advertised broker address that the bootstrap broker\'s name did not cover', async () => {
    // "localhost" is allowed by name; the cluster then advertises its broker as 127.0.0.1, which is not.
    const before = broker.requests.length;
    const result = await send([localhost()], ['localhost']);
    expect(!result.ok && result.error).toMatch(/refused to connect to Kafka broker 127\.0\.0\.1: loopback address/);
    const seen = broker.requests.slice(before).map((r) => r.api);
    expect(seen).toContain('Metadata');
    expect(seen).not.toContain('Produce');
    expect(broker.records).toEqual([]);
  });

  it('delivers when the policy allows the addresses', async () => {
    expect(await send(broker.brokers, ['127.0.0.0/8', '::1/128'])).toEqual({ ok: true });
    expect(broker.records.map((r) => r.key)).toEqual(['CP-1']);
  });
});
