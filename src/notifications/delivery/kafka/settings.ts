import { createHash } from 'node:crypto';
import { ProduceAcks, stringSerializers, type ProducerOptions } from '@platformatic/kafka';

export interface KafkaSettings {
  /** Bootstrap brokers as 'host:port'; the client discovers the rest from their metadata. */
  brokers: string[];
  /** Must already exist: the producer never asks the broker to create topics. */
  topic: string;
  /** Shown in broker logs and quotas; default 'ocpp-gateway'. */
  clientId?: string;
  securityProtocol: 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';
  /** Required with SASL_*; ignored otherwise. */
  saslMechanism?: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
  username?: string;
  /** Plaintext here; the caller decrypts it. Never copied into an error message. */
  password?: string;
  /** One deadline for connecting, authenticating and the broker's acknowledgement; default 10000. */
  timeoutMs?: number;
}

export const KAFKA_DEFAULTS = { clientId: 'ocpp-gateway', timeoutMs: 10_000 } as const;

/** Retries inside one send, for what heals in moments (a leader election, a dropped connection). */
const ATTEMPT_RETRIES = 3;
const RETRY_DELAY_MS = 250;

const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'];
const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'];
// The client splits on ':' and has no bracket syntax, so IPv6 literals cannot be expressed.
const BROKER = /^[^\s:/]+:(\d{1,5})$/;
// Kafka's own rule for topic names.
const TOPIC = /^[a-zA-Z0-9._-]{1,249}$/;

const usesSasl = (s: KafkaSettings) => s.securityProtocol === 'SASL_PLAINTEXT' || s.securityProtocol === 'SASL_SSL';
const validPort = (broker: string) => {
  const port = Number(BROKER.exec(broker)?.[1]);
  return port >= 1 && port <= 65535;
};

/** Each rule: when it fails, the message that says which field to fix. Never quotes the password. */
const RULES: [(s: KafkaSettings) => boolean, (s: KafkaSettings) => string][] = [
  [(s) => Array.isArray(s.brokers) && s.brokers.length > 0, () => 'brokers: at least one host:port is required'],
  [(s) => s.brokers.every(validPort), (s) => `brokers: expected host:port, got ${JSON.stringify(s.brokers.find((b) => !validPort(b)))}`],
  [(s) => TOPIC.test(s.topic ?? ''), (s) => `topic: ${JSON.stringify(s.topic)} is not a valid Kafka topic name`],
  [(s) => s.clientId === undefined || /^\S+$/.test(s.clientId), () => 'clientId: must be non-empty without spaces'],
  [(s) => SECURITY_PROTOCOLS.includes(s.securityProtocol), (s) => `securityProtocol: ${JSON.stringify(s.securityProtocol)} is not one of ${SECURITY_PROTOCOLS.join(', ')}`],
  [(s) => !usesSasl(s) || SASL_MECHANISMS.includes(s.saslMechanism ?? ''), (s) => `saslMechanism: ${s.securityProtocol} needs one of ${SASL_MECHANISMS.join(', ')}`],
  [(s) => !usesSasl(s) || !!s.username, (s) => `username: required with ${s.securityProtocol}`],
  [(s) => !usesSasl(s) || !!s.password, (s) => `password: required with ${s.securityProtocol}`],
  [(s) => s.timeoutMs === undefined || (Number.isInteger(s.timeoutMs) && s.timeoutMs >= 100 && s.timeoutMs <= 300_000), () => 'timeoutMs: an integer from 100 to 300000'],
];

/** The first problem with the settings, or null when they can be used. */
export function validateKafkaSettings(settings: KafkaSettings): string | null {
  for (const [ok, message] of RULES) if (!ok(settings)) return `invalid Kafka settings: ${message(settings)}`;
  return null;
}

/**
 * Producer options for valid settings. Idempotent, which implies acks=-1 (all in-sync
 * replicas) and one request in flight per connection, so a retried batch is neither stored
 * twice nor overtaken: events of one charger (one key, one partition) stay in order.
 */
export function producerOptions(settings: KafkaSettings): ProducerOptions<string, string, string, string> {
  const timeoutMs = settings.timeoutMs ?? KAFKA_DEFAULTS.timeoutMs;
  const tls = settings.securityProtocol === 'SSL' || settings.securityProtocol === 'SASL_SSL';
  return {
    clientId: settings.clientId ?? KAFKA_DEFAULTS.clientId,
    bootstrapBrokers: settings.brokers,
    serializers: stringSerializers,
    idempotent: true,
    acks: ProduceAcks.ALL,
    // With idempotence the client turns retries <= 1 into "forever"; the sink's deadline
    // bounds the time anyway, this bounds the work.
    retries: ATTEMPT_RETRIES,
    retryDelay: RETRY_DELAY_MS,
    connectTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    timeout: timeoutMs,
    autocreateTopics: false,
    // tlsServerName: SNI, which hosted Kafka services route on.
    ...(tls ? { tls: {}, tlsServerName: true } : {}),
    ...(usesSasl(settings) ? { sasl: { mechanism: settings.saslMechanism!, username: settings.username, password: settings.password } } : {}),
  };
}

/** Identifies the producer these settings need; hashed so the pool holds no password in its keys. */
export function settingsKey(settings: KafkaSettings): string {
  const sasl = usesSasl(settings) ? [settings.saslMechanism, settings.username, settings.password] : [];
  const parts = [settings.brokers, settings.topic, settings.clientId ?? KAFKA_DEFAULTS.clientId, settings.securityProtocol, sasl, settings.timeoutMs];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}
