import { createServer, type Server } from 'node:net';
import { Consumer } from '@platformatic/kafka';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { producerOptions } from '../../src/notifications/delivery/kafka/settings.js';
import { createKafkaSink, createKafkaSinkPool, type KafkaMessage, type KafkaSettings, type KafkaSink } from '../../src/notifications/delivery/kafka/sink.js';
import { startMiniKafka, type MiniKafka } from '../helpers/miniKafka/index.js';

// Kafka's error codes, as the broker sends them.
const NOT_LEADER_OR_FOLLOWER = 6;
const TOPIC_AUTHORIZATION_FAILED = 29;

const USERNAME = 'gateway';
const PASSWORD = 'K4fka-Secret-Pa55';

/** Three events of two chargers, as the dispatcher would hand them over. */
function events(runId: string): KafkaMessage[] {
  return [
    { charger: 'CP-1', type: 'charger.booted' },
    { charger: 'CP-2', type: 'charger.connected' },
    { charger: 'CP-1', type: 'connector.status_changed' },
  ].map(({ charger, type }, i) => ({
    key: charger,
    value: JSON.stringify({ id: `${runId}-${i}`, type, chargerId: charger, data: { n: i } }),
    headers: { 'event-type': type, 'event-id': `${runId}-${i}` },
  }));
}

const plaintext = (broker: MiniKafka, extra: Partial<KafkaSettings> = {}): KafkaSettings => ({
  brokers: broker.brokers,
  topic: 'events',
  securityProtocol: 'PLAINTEXT',
  timeoutMs: 3000,
  ...extra,
});

/** A port nothing listens on: bind one, then let it go. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('Kafka sink against the mini broker', () => {
  let broker: MiniKafka;
  const sinks: KafkaSink[] = [];
  const track = (sink: KafkaSink) => (sinks.push(sink), sink);

  beforeAll(async () => {
    broker = await startMiniKafka({ topics: ['events'] });
  });
  afterEach(async () => {
    await Promise.all(sinks.splice(0).map((s) => s.close()));
    // Only the views are cleared: the broker keeps counting offsets, as a real log would.
    broker.records.length = 0;
    broker.requests.length = 0;
  });
  afterAll(() => broker.close());

  it('delivers messages in order with their key, headers and JSON value', async () => {
    const sink = track(createKafkaSink(plaintext(broker)));
    const sent = events('run1');

    expect(await sink.send(sent)).toEqual({ ok: true });

    const first = broker.records[0]?.offset ?? -1;
    expect(broker.records).toEqual(
      sent.map((m, i) => ({ topic: 'events', partition: 0, key: m.key, value: m.value, headers: m.headers, offset: first + i })),
    );
    expect(JSON.parse(broker.records[2].value!)).toMatchObject({ type: 'connector.status_changed', chargerId: 'CP-1' });
    // What the producer needs from a broker; an idempotent producer starts with InitProducerId.
    expect(broker.requests).toEqual([
      { api: 'ApiVersions', version: 3 },
      { api: 'InitProducerId', version: 5 },
      { api: 'Metadata', version: 12 },
      { api: 'Produce', version: 11 },
    ]);
  });

  it('reuses its producer for the next send', async () => {
    const sink = track(createKafkaSink(plaintext(broker)));
    await sink.send(events('a'));
    expect(await sink.send(events('b'))).toEqual({ ok: true });

    const first = broker.records[0]?.offset ?? -1;
    expect(broker.records.map((r) => r.offset)).toEqual([0, 1, 2, 3, 4, 5].map((i) => first + i));
    expect(broker.requests.filter((r) => r.api === 'InitProducerId')).toHaveLength(1);
  });

  it('retries a retryable produce error within the send, storing the batch once', async () => {
    const sink = track(createKafkaSink(plaintext(broker)));
    broker.failNextProduce(NOT_LEADER_OR_FOLLOWER);

    expect(await sink.send(events('retry'))).toEqual({ ok: true });

    expect(broker.records).toHaveLength(3);
    expect(broker.requests.filter((r) => r.api === 'Produce')).toHaveLength(2);
  });

  it('reports a non-retryable produce error, then recovers with a new producer', async () => {
    const sink = track(createKafkaSink(plaintext(broker)));
    broker.failNextProduce(TOPIC_AUTHORIZATION_FAILED);

    const refused = await sink.send(events('denied'));
    expect(refused).toMatchObject({ ok: false, retryable: false });
    expect(refused.ok || refused.error).toContain('TOPIC_AUTHORIZATION_FAILED');
    expect(broker.records).toHaveLength(0);

    expect(await sink.send(events('again'))).toEqual({ ok: true });
    expect(broker.requests.filter((r) => r.api === 'InitProducerId')).toHaveLength(2);
  });

  it('reports an unknown topic as a settings problem, not retryable', async () => {
    const sink = track(createKafkaSink(plaintext(broker, { topic: 'no-such-topic' })));

    const result = await sink.send(events('lost'));

    expect(result).toEqual({ ok: false, error: expect.stringContaining('Unknown topic no-such-topic'), retryable: false });
  });

  it('answers an empty batch without connecting', async () => {
    const sink = track(createKafkaSink(plaintext(broker)));
    expect(await sink.send([])).toEqual({ ok: true });
    expect(broker.requests).toHaveLength(0);
  });
});

describe('Kafka sink with SASL/PLAIN', () => {
  let broker: MiniKafka;
  const sasl = (password: string): KafkaSettings => ({
    brokers: broker.brokers,
    topic: 'events',
    securityProtocol: 'SASL_PLAINTEXT',
    saslMechanism: 'PLAIN',
    username: USERNAME,
    password,
    timeoutMs: 3000,
  });

  beforeAll(async () => {
    broker = await startMiniKafka({ sasl: { username: USERNAME, password: PASSWORD }, topics: ['events'] });
  });
  afterAll(() => broker.close());

  it('delivers with the right credentials', async () => {
    const sink = createKafkaSink(sasl(PASSWORD));
    try {
      expect(await sink.send(events('sasl'))).toEqual({ ok: true });
      expect(broker.records.map((r) => r.key)).toEqual(['CP-1', 'CP-2', 'CP-1']);
      expect(broker.requests.slice(0, 2).map((r) => r.api)).toEqual(['SaslHandshake', 'SaslAuthenticate']);
    } finally {
      await sink.close();
    }
  });

  it('refuses a wrong password as not retryable, without echoing the password', async () => {
    const wrong = 'Wrong-Pa55word-Given';
    const sink = createKafkaSink(sasl(wrong));
    try {
      const result = await sink.send(events('nope'));
      expect(result).toEqual({ ok: false, error: expect.stringContaining('SASL authentication failed'), retryable: false });
      expect(JSON.stringify(result)).not.toContain(wrong);
      expect(JSON.stringify(result)).not.toContain(PASSWORD);
    } finally {
      await sink.close();
    }
  });
});

describe('Kafka sink when the broker is unreachable', () => {
  it('reports a closed port as retryable within the timeout', async () => {
    const sink = createKafkaSink({ brokers: [`127.0.0.1:${await closedPort()}`], topic: 'events', securityProtocol: 'PLAINTEXT', timeoutMs: 2000 });
    const started = Date.now();
    try {
      const result = await sink.send(events('down'));
      expect(result).toEqual({ ok: false, error: expect.stringContaining('ECONNREFUSED'), retryable: true });
      expect(Date.now() - started).toBeLessThan(2000 + 250);
    } finally {
      await sink.close();
    }
  });

  it('gives up at the deadline on a broker that accepts but never answers', async () => {
    // Reads (so it sees the client hang up) but never writes a byte.
    const silent: Server = createServer((socket) => socket.resume());
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    const sink = createKafkaSink({ brokers: [`127.0.0.1:${port}`], topic: 'events', securityProtocol: 'PLAINTEXT', timeoutMs: 500 });
    const started = Date.now();
    try {
      expect(await sink.send(events('silent'))).toEqual({ ok: false, error: 'Kafka: no acknowledgement within 500 ms', retryable: true });
      expect(Date.now() - started).toBeLessThan(500 + 250);
    } finally {
      await sink.close();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe('Kafka settings', () => {
  const base: KafkaSettings = { brokers: ['127.0.0.1:9092'], topic: 'events', securityProtocol: 'PLAINTEXT' };

  it.each([
    [{ brokers: [] }, 'brokers: at least one'],
    [{ brokers: ['kafka.example.com'] }, 'brokers: expected host:port'],
    [{ brokers: ['kafka:99999'] }, 'brokers: expected host:port'],
    [{ topic: 'has space' }, 'topic:'],
    [{ securityProtocol: 'SASL_SSL' }, 'saslMechanism:'],
    [{ securityProtocol: 'SASL_PLAINTEXT', saslMechanism: 'PLAIN' }, 'username: required'],
    [{ securityProtocol: 'SASL_SSL', saslMechanism: 'SCRAM-SHA-512', username: 'u' }, 'password: required'],
    [{ timeoutMs: 0 }, 'timeoutMs:'],
  ] as [Partial<KafkaSettings>, string][])('refuses %j before connecting', async (change, message) => {
    const result = await createKafkaSink({ ...base, ...change }).send(events('x'));
    expect(result).toEqual({ ok: false, error: expect.stringContaining(message), retryable: false });
  });

  it('maps security settings onto the client: TLS for *_SSL, SASL for SASL_*', () => {
    const sslSasl = producerOptions({ ...base, securityProtocol: 'SASL_SSL', saslMechanism: 'SCRAM-SHA-256', username: 'u', password: 'p' });
    expect(sslSasl).toMatchObject({ tls: {}, sasl: { mechanism: 'SCRAM-SHA-256', username: 'u', password: 'p' }, acks: -1, idempotent: true });
    const ssl = producerOptions({ ...base, securityProtocol: 'SSL', username: 'ignored' });
    expect(ssl.tls).toEqual({});
    expect(ssl.sasl).toBeUndefined();
    expect(producerOptions(base).tls).toBeUndefined();
  });
});

describe('Kafka sink pool', () => {
  let broker: MiniKafka;
  beforeAll(async () => {
    broker = await startMiniKafka();
  });
  afterAll(() => broker.close());

  it('keeps one producer per distinct settings and closes them all', async () => {
    const pool = createKafkaSinkPool();
    const settings = plaintext(broker);
    const first = pool.get(settings);
    expect(pool.get({ ...settings })).toBe(first);
    expect(pool.get({ ...settings, topic: 'other' })).not.toBe(first);

    expect(await first.send(events('pool'))).toEqual({ ok: true });
    await pool.close();

    expect(await first.send(events('late'))).toMatchObject({ ok: false, retryable: true });
    expect(await pool.get(settings).send(events('late'))).toMatchObject({ ok: false, retryable: true });
  });
});

// Runs only where a broker is available: KAFKA_BROKERS=host:port[,host:port], and optionally
// KAFKA_TOPIC (must exist), KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM, KAFKA_USERNAME, KAFKA_PASSWORD.
const realBrokers = process.env.KAFKA_BROKERS;
describe.skipIf(!realBrokers)('Kafka sink against a real broker (KAFKA_BROKERS)', () => {
  const settings: KafkaSettings = {
    brokers: (realBrokers ?? '').split(',').map((b) => b.trim()),
    topic: process.env.KAFKA_TOPIC ?? 'ocpp-gateway-test',
    securityProtocol: (process.env.KAFKA_SECURITY_PROTOCOL ?? 'PLAINTEXT') as KafkaSettings['securityProtocol'],
    saslMechanism: process.env.KAFKA_SASL_MECHANISM as KafkaSettings['saslMechanism'],
    username: process.env.KAFKA_USERNAME,
    password: process.env.KAFKA_PASSWORD,
    timeoutMs: 10_000,
  };

  /** The topic's end offsets summed over partitions: how many records it has ever taken. */
  async function endOffsets(): Promise<bigint> {
    const { clientId, bootstrapBrokers, tls, tlsServerName, sasl } = producerOptions(settings);
    const consumer = new Consumer({ clientId, bootstrapBrokers, tls, tlsServerName, sasl, groupId: `ocpp-gateway-test-${Date.now()}` });
    try {
      const offsets = await consumer.listOffsets({ topics: [settings.topic] });
      return (offsets.get(settings.topic) ?? []).reduce((sum, o) => sum + o, 0n);
    } finally {
      await consumer.close();
    }
  }

  it('delivers a batch, acknowledged by all in-sync replicas', async () => {
    const before = await endOffsets();
    const sink = createKafkaSink(settings);
    try {
      expect(await sink.send(events(`real-${Date.now()}`))).toEqual({ ok: true });
    } finally {
      await sink.close();
    }
    expect((await endOffsets()) - before).toBeGreaterThanOrEqual(3n);
  });
});
