import type { TopicLog } from './log.js';

/** What every request handler may read or change: the broker as a whole. */
export interface BrokerContext {
  readonly nodeId: number;
  readonly host: string;
  port: number;
  readonly log: TopicLog;
  /** PLAIN credentials; when set, a connection must authenticate before anything but ApiVersions. */
  readonly sasl: { username: string; password: string } | null;
  /** Error code for every partition of the next Produce request, which then stores nothing. */
  failNextProduce: number | null;
  nextProducerId: bigint;
  /** Every request received, in order: which apis and versions the client really used. */
  readonly requests: { api: string; version: number }[];
}

/** Per-connection state: SASL happens once per connection, before other requests. */
export interface Session {
  mechanism: string | null;
  authenticated: boolean;
}

/** A response body (null: none is expected, as for acks=0), and whether the broker then hangs up. */
export interface Reply {
  body: Buffer | null;
  close?: boolean;
}
