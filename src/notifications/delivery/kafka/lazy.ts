import type { KafkaSettings, KafkaSink } from './sink.js';
import type { AddressPolicy } from '../../../http/addressPolicy.js';

type Pool = { get(settings: KafkaSettings): KafkaSink; close(): Promise<void> };

/**
 * The Kafka pool, with the client library loaded on the first Kafka send: it takes about a
 * second to import, which every gateway start (and every delivery thread start) would
 * otherwise pay, with or without a Kafka subscription.
 */
export function createLazyKafkaPool(policy: AddressPolicy): Pool {
  let pool: Promise<Pool> | undefined;
  const load = () => (pool ??= import('./sink.js').then((m) => m.createKafkaSinkPool(policy)));
  return {
    get: (settings) => ({
      send: async (messages) => (await load()).get(settings).send(messages),
      close: async () => (pool ? (await pool).get(settings).close() : undefined),
    }),
    close: async () => (pool ? (await pool).close() : undefined),
  };
}
