// A tiny central system for the simulator's own tests: it speaks 1.6, 2.0.1 and 2.1 just
// enough to answer a charger, records every frame, and checks every CALL the charger sends
// and every answer it gives against the official OCA schema of the negotiated version.

import { createValidator } from 'ocpp-rpc';
import { WebSocketServer, type WebSocket } from 'ws';
import { encodeCall, encodeResult, parseFrame } from '../../simulators/charger/frames.js';
import { schemasOf } from '../../src/ocpp/rpc/validators.js';

const SCHEMAS = {
  'ocpp1.6': { req: (a: string) => `urn:${a}.req`, conf: (a: string) => `urn:${a}.conf` },
  'ocpp2.0.1': { req: (a: string) => `urn:${a}.req`, conf: (a: string) => `urn:${a}.conf` },
  // The 2.1 schema file names its schemas urn:<Action>Request / urn:<Action>Response.
  'ocpp2.1': { req: (a: string) => `urn:${a}Request`, conf: (a: string) => `urn:${a}Response` },
} as const;
type Subprotocol = keyof typeof SCHEMAS;

const validators = new Map<Subprotocol, ReturnType<typeof createValidator>>();
function validator(subprotocol: Subprotocol) {
  let found = validators.get(subprotocol);
  if (!found) validators.set(subprotocol, (found = createValidator(subprotocol, schemasOf(subprotocol))));
  return found;
}

/** Throws with the schema's complaint when `payload` is not a valid request (or answer) of `action`. */
export function validate(subprotocol: Subprotocol, kind: 'req' | 'conf', action: string, payload: unknown): void {
  validator(subprotocol).validate(SCHEMAS[subprotocol][kind](action), payload);
}

export interface SentCall {
  action: string;
  payload: any;
}

export interface Station {
  id: string;
  subprotocol: Subprotocol;
  socket: WebSocket;
  /** CALLs the charger sent, in order. */
  calls: SentCall[];
}

const now = () => new Date().toISOString();
// GOOD is accepted; LATE-REFUSAL passes Authorize but is refused when the transaction starts.
const tokenStatus = (idToken: string) => (idToken === 'GOOD' || idToken === 'LATE-REFUSAL' ? 'Accepted' : 'Invalid');

// The answer to each CALL a charger sends; anything not here gets {}.
const ANSWERS: Record<string, (payload: any) => object> = {
  BootNotification: () => ({ status: 'Accepted', currentTime: now(), interval: 60 }),
  Heartbeat: () => ({ currentTime: now() }),
  Authorize: (p) =>
    p.idToken ? { idTokenInfo: { status: tokenStatus(p.idToken.idToken) } } : { idTagInfo: { status: p.idTag === 'GOOD' ? 'Accepted' : 'Invalid' } },
  TransactionEvent: (p) => (p.idToken ? { idTokenInfo: { status: p.idToken.idToken === 'LATE-REFUSAL' ? 'Blocked' : 'Accepted' } } : {}),
  StartTransaction: () => ({ transactionId: Math.floor(Math.random() * 1e9), idTagInfo: { status: 'Accepted' } }),
  StopTransaction: () => ({ idTagInfo: { status: 'Accepted' } }),
};

export interface TinyCsms {
  url: string;
  stations: Map<string, Station>;
  /** Schema violations seen, as `<charger> <action>: <complaint>`; a test expects none. */
  violations: string[];
  /** Calls the charger from the server side and resolves with its answer's payload (or the CALLERROR frame). */
  call(chargerId: string, action: string, payload: object): Promise<any>;
  /** Resolves with the next CALL of `action` the charger sends from now on. */
  nextCall(chargerId: string, action: string): Promise<SentCall>;
  close(): Promise<void>;
}

export async function startTinyCsms(): Promise<TinyCsms> {
  const stations = new Map<string, Station>();
  const violations: string[] = [];
  const outbound = new Map<string, { action: string; resolve: (v: unknown) => void }>();
  const awaited: { chargerId: string; action: string; resolve: (c: SentCall) => void }[] = [];
  const check = (s: Station, kind: 'req' | 'conf', action: string, payload: unknown) => {
    try {
      validate(s.subprotocol, kind, action, payload);
    } catch (err) {
      violations.push(`${s.id} ${action}${kind === 'conf' ? ' answer' : ''}: ${(err as Error).message}`);
    }
  };

  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    handleProtocols: (offered) => [...offered].find((p) => p in SCHEMAS) ?? false,
  });
  wss.on('connection', (socket, req) => {
    const id = decodeURIComponent(req.url!.split('/').pop()!);
    // A reconnecting charger keeps its history, so a test sees what it sent before and after an outage.
    const station: Station = { id, subprotocol: socket.protocol as Subprotocol, socket, calls: stations.get(id)?.calls ?? [] };
    stations.set(id, station);
    socket.on('message', (data) => {
      const frame = parseFrame(data.toString()) as any[] | null;
      if (frame?.[0] === 2) {
        const [, id, action, payload] = frame;
        station.calls.push({ action, payload });
        check(station, 'req', action, payload);
        const waiting = awaited.findIndex((w) => w.chargerId === station.id && w.action === action);
        if (waiting >= 0) awaited.splice(waiting, 1)[0].resolve({ action, payload });
        socket.send(encodeResult(id, (ANSWERS[action] ?? (() => ({})))(payload)));
      } else if (frame && (frame[0] === 3 || frame[0] === 4)) {
        const pending = outbound.get(frame[1]);
        outbound.delete(frame[1]);
        if (pending && frame[0] === 3) check(station, 'conf', pending.action, frame[2]);
        pending?.resolve(frame[0] === 3 ? frame[2] : frame);
      }
    });
  });
  await new Promise((resolve) => wss.once('listening', resolve));
  let seq = 0;
  return {
    url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}/ocpp`,
    stations,
    violations,
    call(chargerId, action, payload) {
      const messageId = `srv-${++seq}`;
      const station = stations.get(chargerId)!;
      check(station, 'req', action, payload); // the test's own CALL must be valid too
      return new Promise((resolve) => {
        outbound.set(messageId, { action, resolve });
        station.socket.send(encodeCall(messageId, action, payload));
      });
    },
    nextCall(chargerId, action) {
      return new Promise((resolve) => awaited.push({ chargerId, action, resolve }));
    },
    async close() {
      for (const ws of wss.clients) ws.terminate();
      await new Promise((resolve) => wss.close(resolve));
    },
  };
}
