import { Producer } from '@platformatic/kafka';
import { classifyKafkaError } from './errors.js';
import { installKafkaAddressGuard, type GuardedContext } from './addressGuard.js';
import type { AddressPolicy } from '../../../http/addressPolicy.js';
import { KAFKA_DEFAULTS, producerOptions, settingsKey, validateKafkaSettings, type KafkaSettings } from './settings.js';

export type { KafkaSettings } from './settings.js';
export { validateKafkaSettings } from './settings.js';

export interface KafkaMessage {
  /** The charger id: Kafka keeps one key's messages in one partition, so in order. */
  key: string;
  /** The event envelope as JSON. */
  value: string;
  headers: Record<string, string>;
}

export type KafkaSendResult = { ok: true } | { ok: false; error: string; retryable: boolean };

export interface KafkaSink {
  /** Never throws, and settles within the settings' timeoutMs. */
  send(messages: KafkaMessage[]): Promise<KafkaSendResult>;
  close(): Promise<void>;
}

type StringProducer = Producer<string, string, string, string>;

const CLOSED: KafkaSendResult = { ok: false, error: 'Kafka: sink is closed', retryable: true };

/**
 * A sink for one topic. Invalid settings give a sink whose every send reports why, so the
 * caller handles bad settings like any other failed delivery. With a policy, every broker
 * connection (advertised ones too) must pass it on the address connected to (addressGuard.ts).
 */
export function createKafkaSink(settings: KafkaSettings, policy?: AddressPolicy): KafkaSink {
  const invalid = validateKafkaSettings(settings);
  if (invalid) return { send: async () => ({ ok: false, error: invalid, retryable: false }), close: async () => {} };

  const timeoutMs = settings.timeoutMs ?? KAFKA_DEFAULTS.timeoutMs;
  let current: StringProducer | null = null;
  let closed = false;
  /** Producers we closed ourselves, so their failures are not reported as the broker's. */
  const retired = new WeakSet<StringProducer>();
  const closing = new Set<Promise<void>>();

  // After a failure or a timeout we cannot know whether the broker stored the batch. The
  // client would resend the next batch with the failed batch's sequence numbers, which an
  // idempotent broker may take for a duplicate and drop; a new producer gets a new id.
  function retire(producer: StringProducer): void {
    if (current === producer) current = null;
    if (retired.has(producer)) return;
    retired.add(producer);
    const done = producer.close().then(() => {}, () => {});
    closing.add(done);
    void done.then(() => closing.delete(done));
  }

  return {
    async send(messages) {
      if (closed) return CLOSED;
      if (messages.length === 0) return { ok: true };
      let producer: StringProducer;
      try {
        producer = current ??= new Producer({ ...producerOptions(settings), ...guarded(policy) });
      } catch (error) {
        return { ok: false, ...classifyKafkaError(error, settings.password) };
      }
      const records = messages.map((m) => ({ topic: settings.topic, key: m.key, value: m.value, headers: m.headers }));
      const outcome = await withDeadline(producer.send({ messages: records }), timeoutMs);
      if (outcome === 'ok') return { ok: true };
      const closedByUs = retired.has(producer);
      retire(producer);
      if (outcome === 'timeout') return { ok: false, error: `Kafka: no acknowledgement within ${timeoutMs} ms`, retryable: true };
      if (closedByUs) return { ok: false, error: 'Kafka: producer closed during send', retryable: true };
      return { ok: false, ...classifyKafkaError(outcome.error, settings.password) };
    },
    async close() {
      closed = true;
      if (current) retire(current);
      await Promise.all(closing);
    },
  };
}

/** One producer per distinct settings, created on first use and reused; close() closes them all. */
export function createKafkaSinkPool(policy?: AddressPolicy): { get(settings: KafkaSettings): KafkaSink; close(): Promise<void> } {
  const sinks = new Map<string, KafkaSink>();
  let closed = false;
  return {
    get(settings) {
      if (closed) return { send: async () => CLOSED, close: async () => {} };
      const key = settingsKey(settings);
      let sink = sinks.get(key);
      if (!sink) sinks.set(key, (sink = createKafkaSink(settings, policy)));
      return sink;
    },
    async close() {
      closed = true;
      const all = [...sinks.values()];
      sinks.clear();
      await Promise.all(all.map((sink) => sink.close()));
    },
  };
}

function guarded(policy: AddressPolicy | undefined): { context?: GuardedContext } {
  if (!policy) return {};
  installKafkaAddressGuard();
  return { context: { addressPolicy: policy } };
}

/** The client bounds each step, not the whole send; this bounds the whole send. */
async function withDeadline(work: Promise<unknown>, ms: number): Promise<'ok' | 'timeout' | { error: unknown }> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)));
  try {
    return await Promise.race([work.then(() => 'ok' as const, (error: unknown) => ({ error })), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
