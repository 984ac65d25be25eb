import type { Config } from '../config.js';
import type { Store } from '../store/index.js';
import type { Logger } from '../log.js';
import type { ConnectionRegistry } from '../ocpp/connectionRegistry.js';
import type { Commands } from '../ocpp/commands.js';
import type { WatchSignal } from '../notifications/liveWatch.js';
import { createBus, type BusMessage } from './bus.js';
import { createPresence, type Presence } from './presence.js';
import { createRouting } from './routing.js';
import { createTakeover } from './takeover.js';
import { releaseChargersOf } from './release.js';

export interface ClusterDeps {
  config: Config;
  store: Store;
  registry: ConnectionRegistry;
  log: Logger;
  /** Commands on this node's own sockets. */
  local: Commands;
  /** Which installations have live streams open on some node. */
  watch: WatchSignal;
  /** Another node changed what an installation's local lists derive from: sync the chargers held here. */
  localListChanged(installationId: string): void;
  /** Another node changed an installation's offline setting: push it to the chargers held here. */
  offlineSettingChanged(installationId: string): void;
}

export interface Cluster {
  /** Remote commands for any charger of the cluster, wherever its socket is. */
  commands: Commands;
  /** This node now holds a charger `fromNode` held: tell it to close its older socket. */
  tookOver(chargerId: string, fromNode: string, since: number): void;
  /** Tells every node that an installation's local lists changed (nothing to tell with one node). */
  announceLocalList(installationId: string): void;
  /** Tells every node, this one included, that an installation's offline setting changed. */
  announceOfflineSetting(installationId: string): void;
  /** Undefined with one node (SQLite). */
  presence: Presence | undefined;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Several nodes on one PostgreSQL database coordinate through it: presence rows with heartbeats,
 * LISTEN/NOTIFY for takeovers and remote commands. SQLite means one node: everything is local.
 */
export function createCluster(d: ClusterDeps): Cluster {
  const { config, store, log } = d;
  if (store.dialect !== 'postgres' || !config.databaseUrl) return singleNode(d);
  const { nodeId } = config;
  const handlers: { [K in BusMessage['kind']]: (m: Extract<BusMessage, { kind: K }>) => void } = {
    call: (m) => routing.onCall(m.id),
    reply: (m) => routing.onReply(m.id),
    takeover: (m) => takeover.closeReplaced(m.chargerId, m.by, m.since),
    watching: (m) => d.watch.hear(m.installationId),
    localList: (m) => d.localListChanged(m.installationId),
    offlineSetting: (m) => d.offlineSettingChanged(m.installationId),
  };
  const bus = createBus({
    databaseUrl: config.databaseUrl,
    notify: (channel, payload) => store.nodes.notify(channel, payload),
    nodeId,
    log,
    onMessage: (m) => (handlers[m.kind] as (m: BusMessage) => void)?.(m),
    onReconnected: () => void takeover.closeHeldElsewhere().catch((err) => log.warn({ err }, 'could not check for chargers taken over meanwhile')),
  });
  const takeover = createTakeover({ registry: d.registry, store, bus, nodeId, log });
  const presence = createPresence({
    store,
    log,
    nodeId,
    heartbeatMs: config.nodeHeartbeatMs,
    timeoutMs: config.nodeTimeoutMs,
    revived: () => takeover.reclaim(),
  });
  d.watch.sendVia((installationId) => {
    bus.broadcast({ kind: 'watching', installationId }).catch((err) => log.warn({ err }, 'live watch announcement failed'));
  });
  const routing = createRouting({ local: d.local, registry: d.registry, store, bus, presence, nodeId, defaultTimeoutMs: config.commandTimeoutMs, log });
  return {
    commands: routing.commands,
    tookOver: takeover.tookOver,
    announceLocalList(installationId) {
      bus.broadcast({ kind: 'localList', installationId }).catch((err) => log.warn({ err }, 'local list change announcement failed'));
    },
    announceOfflineSetting(installationId) {
      bus.broadcast({ kind: 'offlineSetting', installationId }).catch((err) => log.warn({ err }, 'offline setting change announcement failed'));
    },
    presence,
    async start() {
      await presence.start();
      await bus.start();
      log.info({ nodeId }, 'joined the cluster');
    },
    async stop() {
      await bus.stop();
      await presence.stop();
    },
  };
}

function singleNode(d: ClusterDeps): Cluster {
  return {
    commands: d.local,
    tookOver: () => undefined,
    announceLocalList: () => undefined,
    announceOfflineSetting: (installationId) => d.offlineSettingChanged(installationId),
    presence: undefined,
    // The only node of this database: whatever a previous run held or claimed is free now (its
    // node id was another), rather than when the leases run out.
    async start() {
      // A previous run killed before its chargers' closes were written: they are told as disconnected now.
      for (const node of await d.store.chargers.holders()) if (node !== d.config.nodeId) await releaseChargersOf(d, node);
      await d.store.chargers.releaseAll();
      await d.store.outbox.releaseOthers(d.config.nodeId);
      await d.store.subscriptions.releaseOthers(d.config.nodeId);
    },
    stop: async () => undefined,
  };
}
