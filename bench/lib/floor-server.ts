// The floor: the least a central system can do for the bench's frames, with
// hard-coded valid confs and no validation, storage or logging. The gateway's
// figures are read against this, so whatever cost shows above it is ours.

import { WebSocketServer, type WebSocket } from 'ws';
import { CALL, encodeError, encodeResult, parseFrame } from '../../simulators/charger/frames.js';

export interface FloorServer {
  port: number;
  /** Accept/socket errors seen (EMFILE when the process runs out of file descriptors). */
  errors: Map<string, number>;
  close(): Promise<void>;
}

const HEARTBEAT_INTERVAL_SEC = 300;
const now = () => new Date().toISOString();

type Answers = Record<string, () => object>;

// Confs are built per call only where the spec wants the current time.
const answers16: Answers = {
  BootNotification: () => ({ status: 'Accepted', currentTime: now(), interval: HEARTBEAT_INTERVAL_SEC }),
  Authorize: () => ({ idTagInfo: { status: 'Accepted' } }),
  Heartbeat: () => ({ currentTime: now() }),
  StatusNotification: () => ({}),
  // Not measured, but lets `npm run sim -- --sessions` run against the floor too.
  StartTransaction: () => ({ transactionId: ++lastTransactionId, idTagInfo: { status: 'Accepted' } }),
  MeterValues: () => ({}),
  StopTransaction: () => ({ idTagInfo: { status: 'Accepted' } }),
};
let lastTransactionId = 0;

// 2.0.1 and 2.1 answer the same actions with the same bodies.
const answers201: Answers = {
  BootNotification: () => ({ status: 'Accepted', currentTime: now(), interval: HEARTBEAT_INTERVAL_SEC }),
  Authorize: () => ({ idTokenInfo: { status: 'Accepted' } }),
  Heartbeat: () => ({ currentTime: now() }),
  StatusNotification: () => ({}),
  TransactionEvent: () => ({ idTokenInfo: { status: 'Accepted' } }),
  MeterValues: () => ({}),
};

/** The floor speaks what the gateway speaks, in the gateway's order of preference. */
const ANSWERS_BY_PROTOCOL: [string, Answers][] = [
  ['ocpp2.1', answers201],
  ['ocpp2.0.1', answers201],
  ['ocpp1.6', answers16],
];

export function startFloorServer(opts: { host?: string; port?: number } = {}): Promise<FloorServer> {
  const errors = new Map<string, number>();
  const count = (err: NodeJS.ErrnoException) => errors.set(err.code ?? 'ERROR', (errors.get(err.code ?? 'ERROR') ?? 0) + 1);
  const wss = new WebSocketServer({
    host: opts.host ?? '127.0.0.1',
    port: opts.port ?? 0,
    handleProtocols: (offered) => ANSWERS_BY_PROTOCOL.find(([p]) => offered.has(p))?.[0] ?? false,
  });
  wss.on('error', count); // EMFILE on accept arrives here; the floor must keep serving the sockets it has
  wss.on('connection', (ws) => {
    const answers = ANSWERS_BY_PROTOCOL.find(([p]) => p === ws.protocol)![1];
    ws.on('error', count);
    ws.on('message', (data) => answer(ws, answers, data.toString()));
  });
  return new Promise((resolve, reject) => {
    wss.once('listening', () => {
      const address = wss.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({ port, errors, close: () => closeServer(wss) });
    });
    wss.once('error', reject);
  });
}

function answer(ws: WebSocket, answers: Answers, text: string): void {
  const frame = parseFrame(text);
  if (!frame || frame[0] !== CALL || typeof frame[1] !== 'string' || typeof frame[2] !== 'string') {
    ws.send(encodeError(typeof frame?.[1] === 'string' ? frame[1] : '-1', 'FormationViolation', 'not an OCPP-J CALL'));
    return;
  }
  const conf = answers[frame[2]];
  ws.send(conf ? encodeResult(frame[1], conf()) : encodeError(frame[1], 'NotImplemented', `${frame[2]} not in the floor server`));
}

function closeServer(wss: WebSocketServer): Promise<void> {
  for (const client of wss.clients) client.terminate();
  return new Promise((resolve) => wss.close(() => resolve()));
}
