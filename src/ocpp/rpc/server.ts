import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { OcppConnection, type ConnectionLimits, type ProtocolSpec } from './connection.js';
import { basicPassword, negotiate, offeredProtocols, refuseUpgrade } from './handshake.js';

/** Every version we can speak, best first; only those with a table in `protocols` are offered. */
const PREFERENCE = ['ocpp2.1', 'ocpp2.0.1', 'ocpp1.6'] as const;

export interface UpgradeFacts {
  endpoint: string;
  chargerId: string;
  password: Buffer | undefined;
  remoteAddress: string | undefined;
  socket: Socket;
}

export type Admission<Session> = { ok: true; session: Session } | { ok: false; status: number; message: string };

export interface RpcServerOptions<Session> {
  /** One entry per version we have handlers for. */
  protocols: Readonly<Record<string, ProtocolSpec>>;
  /** Who the charger is and whether it may connect (security profiles apply to every version). */
  admit(facts: UpgradeFacts): Promise<Admission<Session>>;
  limits: ConnectionLimits;
  /** Frames above this close the socket (1009) instead of getting a CALLERROR. */
  maxPayload: number;
  /** Every this often each connection is pinged, and dropped if the last ping went unanswered; 0 for never. */
  pingIntervalMs: number;
  /** The socket is a WebSocket now (or was refused): its handshake deadline ends. */
  upgraded(socket: Socket): void;
  connected(connection: OcppConnection<Session>): void;
  /** The handshake completed without a version we speak: the socket closes with 1002 (OCPP-J 3.1.2). */
  noProtocol(detail: { chargerId: string; offered: string[] }): void;
}

/** The OCPP-J server: handshake (path, credentials, subprotocol), connections, keep-alive pings. */
export function createRpcServer<Session>(o: RpcServerOptions<Session>) {
  const preference = PREFERENCE.filter((p) => Object.hasOwn(o.protocols, p));
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    maxPayload: o.maxPayload,
    handleProtocols: (offered) => negotiate(preference, offered),
  });
  const connections = new Set<OcppConnection<Session>>();
  let open = true;
  // 0 turns pings off.
  const pings = o.pingIntervalMs > 0 ? setInterval(() => connections.forEach((c) => c.keepAlive()), o.pingIntervalMs) : undefined;
  pings?.unref();

  function attach(ws: WebSocket, request: IncomingMessage, path: { endpoint: string; chargerId: string }, session: Session, offered: string[]): void {
    const spec = o.protocols[ws.protocol];
    if (!ws.protocol || !spec) {
      o.noProtocol({ chargerId: path.chargerId, offered });
      ws.on('error', () => undefined);
      ws.close(1002, `Subprotocol required: ${preference.join(', ')}`);
      return;
    }
    const handshake = { identity: path.chargerId, endpoint: path.endpoint, remoteAddress: request.socket.remoteAddress, protocols: offered };
    const connection = new OcppConnection(ws, ws.protocol, spec, session, handshake, o.limits);
    connections.add(connection);
    connection.once('close', () => connections.delete(connection));
    o.connected(connection);
  }

  return {
    /** Upgrades a request whose path was already checked (src/ocpp/upgrade.ts). */
    async handleUpgrade(request: IncomingMessage, socket: Socket, head: Buffer, path: { endpoint: string; chargerId: string }): Promise<void> {
      if (!open) return refuseUpgrade(socket, 503, 'Server shutting down');
      const offered = offeredProtocols(request.headers['sec-websocket-protocol']);
      if (!offered) return refuseUpgrade(socket, 400, 'Invalid Sec-WebSocket-Protocol header');
      const verdict = await o.admit({
        endpoint: path.endpoint,
        chargerId: path.chargerId,
        password: basicPassword(request.headers.authorization, path.chargerId),
        remoteAddress: request.socket.remoteAddress,
        socket: request.socket,
      });
      // The peer may have left while we looked it up.
      if (!socket.writable) return void socket.destroy();
      if (!verdict.ok) return refuseUpgrade(socket, verdict.status, verdict.message);
      if (!open) return refuseUpgrade(socket, 503, 'Server shutting down');
      wss.handleUpgrade(request, socket, head, (ws) => {
        o.upgraded(request.socket);
        attach(ws, request, path, verdict.session, offered);
      });
    },
    /** Every live connection. */
    connections: (): ReadonlySet<OcppConnection<Session>> => connections,
    /** Stops accepting and drops every connection at once (the graceful 1001 closes come first, from shutdown). */
    async close({ code = 1001, reason = 'Server shutting down' } = {}): Promise<void> {
      open = false;
      clearInterval(pings);
      await Promise.all([...connections].map((c) => c.close({ code, reason, force: true })));
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

export type RpcServer<Session> = ReturnType<typeof createRpcServer<Session>>;
