import { createServer, type Server } from 'node:http';
import type { Registry as MetricsRegistry } from 'prom-client';
import type { Socket } from 'node:net';
import type { ChargerSession, OcppDeps } from './context.js';
import { chargerResolver } from './handshake.js';
import { attachConnection } from './connection.js';
import type { ConnectionRegistry } from './connectionRegistry.js';
import { offlineSettingOf, pushOfflineConfig } from './offlineConfig.js';
import { createTlsServer } from './tls.js';
import { createOcppMetrics } from './metrics.js';
import { allActions, protocols } from './protocols.js';
import { guardUpgrade } from './upgrade.js';
import { createRpcServer, type Admission, type UpgradeFacts } from './rpc/server.js';
export interface OcppServer {
  httpServer: Server;
  /** CALLs received from chargers so far (how busy the charger path is). */
  calls(): number;
  /** The wss listener, when ocppTlsPort is configured. */
  tls?: { server: Server; reload(): void };
  registry: ConnectionRegistry;
  /** After the installation's offlineAllow or local list choice changed (its settings forgotten): tell its chargers connected here. */
  pushOfflineConfigToInstallation(installationId: string): Promise<void>;
  close(): Promise<void>;
}

/** Frames above maxFrameBytes get a CALLERROR; only frames above this multiple close the socket. */
const HARD_LIMIT_FACTOR = 4;

export function createOcppServer(deps: OcppDeps, opts: { metrics: MetricsRegistry }): OcppServer {
  const { registry } = deps;
  const metrics = createOcppMetrics(opts.metrics, { actions: allActions, connected: () => registry.size });
  // Every socket must become a charger connection within the handshake deadline (slowloris, stalled TLS).
  const deadlines = new WeakMap<Socket, NodeJS.Timeout>();
  const armDeadline = (socket: Socket) => {
    const timer = setTimeout(() => socket.destroy(), deps.config.handshakeTimeoutMs);
    timer.unref();
    deadlines.set(socket, timer);
    socket.once('close', () => clearTimeout(timer));
  };
  const rpc = createRpcServer<ChargerSession>({
    protocols,
    admit: admission(deps),
    limits: {
      maxFrameBytes: deps.config.maxFrameBytes,
      rate: { perSecond: deps.config.maxMessagesPerSecond, burst: deps.config.messageBurst },
      callTimeoutMs: deps.config.commandTimeoutMs,
    },
    maxPayload: deps.config.maxFrameBytes * HARD_LIMIT_FACTOR,
    pingIntervalMs: deps.config.pingIntervalSec * 1000,
    upgraded: (socket) => clearTimeout(deadlines.get(socket)),
    connected: (connection) => attachConnection(deps, registry, connection, metrics),
    noProtocol: ({ chargerId, offered }) =>
      // OCPP-J 3.1.2: no agreed subprotocol, so the handshake completes and the socket closes at once.
      deps.log.warn({ chargerId, offered }, `charger offered no subprotocol of ours (${Object.keys(protocols).join(', ')}); closing`),
  });

  const httpServer = createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket' });
    res.end('OCPP-J: connect with a WebSocket to /ocpp/{chargerId}\n');
  });
  const upgrade = guardUpgrade(rpc.handleUpgrade, deps.log);
  httpServer.on('upgrade', upgrade);
  httpServer.on('connection', armDeadline);
  const tls = deps.config.ocppTlsPort !== undefined ? createTlsServer(deps.config) : undefined;
  tls?.server.on('upgrade', upgrade);
  tls?.server.on('secureConnection', armDeadline);
  tls?.server.on('request', (_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket' });
    res.end('OCPP-J: connect with a WebSocket to /ocpp/{chargerId}\n');
  });
  // A peer that sends its upgrade request slowly (or never) is dropped.
  httpServer.headersTimeout = deps.config.handshakeTimeoutMs;
  httpServer.requestTimeout = deps.config.handshakeTimeoutMs;

  return {
    httpServer,
    tls,
    registry,
    calls: metrics.calls,
    async pushOfflineConfigToInstallation(installationId) {
      const settings = await deps.settings.get(installationId).catch((err) => deps.log.warn({ err, installationId }, 'offline setting not pushed'));
      if (!settings) return;
      const setting = offlineSettingOf(settings);
      for (const [chargerId, client] of registry.ofInstallation(installationId)) {
        const log = deps.log.child({ chargerId });
        pushOfflineConfig(client, chargerId, setting, { store: deps.store, log, timeoutMs: deps.config.commandTimeoutMs }).catch((err) =>
          log.error({ err }, 'offline setting push failed'),
        );
      }
    },
    async close() {
      // 1001 "going away": chargers reconnect, to this node after a restart or to another one.
      await rpc.close({ code: 1001, reason: 'Server shutting down' });
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      if (tls) await new Promise<void>((resolve) => tls.server.close(() => resolve()));
      // Each closed charger's own offline write (with its event) first; the release takes what is left.
      await registry.closesSettled();
      await deps.store.chargers.releaseNode(deps.config.nodeId);
    },
  };
}

/** Who the charger is, by the resolver in handshake.ts, within the handshake deadline. */
function admission(deps: OcppDeps): (facts: UpgradeFacts) => Promise<Admission<ChargerSession>> {
  const resolveCharger = chargerResolver(deps);
  return async (facts) => {
    try {
      const result = await withDeadline(resolveCharger(facts), deps.config.handshakeTimeoutMs);
      if (!result.ok) {
        deps.log.warn({ chargerId: facts.chargerId, endpoint: facts.endpoint, status: result.status }, 'handshake refused');
        return result;
      }
      const { chargerId, installationId, registration, before } = result;
      return { ok: true, session: { chargerId, installationId, registration, before } };
    } catch (err) {
      deps.log.error({ err, chargerId: facts.chargerId }, 'handshake failed');
      return { ok: false, status: 503, message: 'Service unavailable' };
    }
  };
}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`handshake not resolved within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
