import { createServer, type Socket } from 'node:net';
import { serveConnection } from './connection.js';
import type { BrokerContext } from './context.js';
import { TopicLog, type StoredRecord } from './log.js';

export type { StoredRecord } from './log.js';

export interface MiniKafkaOptions {
  /** Require SASL/PLAIN with these credentials on every connection. */
  sasl?: { username: string; password: string };
  /** Only these topics exist; by default any topic exists as soon as it is asked for. */
  topics?: string[];
}

export interface MiniKafka {
  port: number;
  brokers: string[];
  /** Every record stored, in append order, decoded as UTF-8. */
  records: StoredRecord[];
  /** Every request received: which apis and versions the client used. */
  requests: { api: string; version: number }[];
  /** The next Produce request is answered with this error code and stores nothing. */
  failNextProduce(errorCode: number): void;
  close(): Promise<void>;
}

/**
 * A one-node Kafka broker on 127.0.0.1 speaking just enough of the wire protocol for a
 * producer: ApiVersions, Metadata, InitProducerId, Produce, and SASL/PLAIN. Tests use it to
 * run the real client over real sockets where no Kafka can be installed.
 */
export async function startMiniKafka(options: MiniKafkaOptions = {}): Promise<MiniKafka> {
  const log = new TopicLog(options.topics ?? null);
  const broker: BrokerContext = {
    nodeId: 1,
    host: '127.0.0.1',
    port: 0,
    log,
    sasl: options.sasl ?? null,
    failNextProduce: null,
    nextProducerId: 1000n,
    requests: [],
  };
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serveConnection(socket, broker);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, broker.host, () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('mini Kafka: no TCP address');
  broker.port = address.port;

  return {
    port: broker.port,
    brokers: [`${broker.host}:${broker.port}`],
    records: log.records,
    requests: broker.requests,
    failNextProduce(errorCode) {
      broker.failNextProduce = errorCode;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
