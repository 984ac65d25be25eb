import { createHash } from 'node:crypto';
import pg from 'pg';
import { lossOf } from '../store/connectionLoss.js';
import type { Logger } from '../log.js';

/** What nodes tell each other. Small by design: NOTIFY payloads stop at 8000 bytes. */
export type BusMessage =
  /** Run the remote command stored in node_calls under this id. */
  | { kind: 'call'; id: string }
  /** The node_calls row with this id has its reply. */
  | { kind: 'reply'; id: string }
  /** `by` holds the charger now, connected at `since` (epoch ms): close an older socket of it. */
  | { kind: 'takeover'; chargerId: string; by: string; since: number }
  /** To every node: an installation has an open live stream on the sender (src/notifications/liveWatch.ts). */
  | { kind: 'watching'; installationId: string }
  /** To every node: what an installation's Local Authorization Lists derive from changed (src/ocpp/localList). */
  | { kind: 'localList'; installationId: string }
  /** An installation's offline setting changed: push it to the chargers held here. */
  | { kind: 'offlineSetting'; installationId: string };

export interface Bus {
  start(): Promise<void>;
  send(toNode: string, message: BusMessage): Promise<void>;
  /** To every node, this one included. */
  broadcast(message: BusMessage): Promise<void>;
  stop(): Promise<void>;
}

export interface BusDeps {
  databaseUrl: string;
  /** Sends a NOTIFY through the store's pool; LISTEN needs a connection of its own, kept open. */
  notify(channel: string, payload: string): Promise<void>;
  nodeId: string;
  log: Logger;
  onMessage(message: BusMessage): void;
  /** After the listener came back: messages sent meanwhile were lost. */
  onReconnected(): void;
}

const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 10_000;

/** One channel per node: a node hears only what is meant for it. Hashed, as node ids may hold any character. */
export function channelOf(nodeId: string): string {
  return `gw_node_${createHash('sha256').update(nodeId).digest('hex').slice(0, 32)}`;
}

/** The channel every node listens on besides its own. */
const BROADCAST_CHANNEL = 'gw_cluster_all';

/** PostgreSQL LISTEN/NOTIFY between nodes, on one dedicated connection that reconnects when it drops. */
export function createBus(d: BusDeps): Bus {
  const channel = channelOf(d.nodeId);
  let client: pg.Client | undefined;
  let stopped = false;
  let retryMs = RECONNECT_MIN_MS;
  let retryTimer: NodeJS.Timeout | undefined;

  function receive(msg: pg.Notification): void {
    if ((msg.channel !== channel && msg.channel !== BROADCAST_CHANNEL) || !msg.payload) return;
    try {
      d.onMessage(JSON.parse(msg.payload) as BusMessage);
    } catch (err) {
      d.log.warn({ err }, 'unreadable cluster message ignored');
    }
  }

  async function connect(): Promise<void> {
    const c = new pg.Client({ connectionString: d.databaseUrl });
    c.on('notification', receive);
    // Both fire when the server goes away; the first one schedules the reconnect.
    const lost = (err?: Error) => {
      if (client !== c) return;
      client = undefined;
      c.end().catch(() => undefined);
      if (stopped) return;
      d.log.warn({ ...(err && lossOf(err)), retryMs }, 'cluster listener connection lost; reconnecting');
      retryTimer = setTimeout(reconnect, retryMs);
      retryTimer.unref();
      retryMs = Math.min(RECONNECT_MAX_MS, retryMs * 2);
    };
    c.on('error', lost);
    c.on('end', () => lost());
    try {
      await c.connect();
      // Own channel last: pg_stat_activity then shows which node's listener this is.
      await c.query(`LISTEN ${BROADCAST_CHANNEL}`);
      await c.query(`LISTEN ${channel}`);
    } catch (err) {
      // Connected but not listening: it would stay open, unused, at every failed retry.
      c.end().catch(() => undefined);
      throw err;
    }
    client = c;
    retryMs = RECONNECT_MIN_MS;
  }

  function reconnect(): void {
    if (stopped) return;
    connect()
      .then(() => {
        d.log.info('cluster listener reconnected');
        d.onReconnected();
      })
      .catch((err) => {
        d.log.warn({ err, retryMs }, 'cluster listener reconnect failed');
        retryTimer = setTimeout(reconnect, retryMs);
        retryTimer.unref();
        retryMs = Math.min(RECONNECT_MAX_MS, retryMs * 2);
      });
  }

  async function notify(to: string, message: BusMessage): Promise<void> {
    await d.notify(to, JSON.stringify(message));
  }

  return {
    start: connect,
    async send(toNode, message) {
      await notify(channelOf(toNode), message);
    },
    broadcast: (message) => notify(BROADCAST_CHANNEL, message),
    async stop() {
      stopped = true;
      clearTimeout(retryTimer);
      const c = client;
      client = undefined;
      await c?.end().catch(() => undefined);
    },
  };
}
