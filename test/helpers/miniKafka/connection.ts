import type { Socket } from 'node:net';
import type { BrokerContext, Session } from './context.js';
import { frame, FrameReader } from './frames.js';
import { HANDLERS } from './handlers.js';
import { WireReader, WireWriter } from './wire.js';

/**
 * Serves one client connection: splits frames, decodes the request header, gates everything
 * but SASL behind authentication, dispatches to the api's handler and frames the reply.
 * A request we cannot serve closes the connection, which is what Kafka does too.
 */
export function serveConnection(socket: Socket, broker: BrokerContext): void {
  const frames = new FrameReader();
  const session: Session = { mechanism: null, authenticated: broker.sasl === null };
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    try {
      for (const request of frames.push(chunk)) {
        if (!serveRequest(socket, broker, session, request)) {
          socket.end();
          return;
        }
      }
    } catch {
      socket.destroy(); // malformed frame or request
    }
  });
}

/** Returns false when the connection must close after this request. */
function serveRequest(socket: Socket, broker: BrokerContext, session: Session, request: Buffer): boolean {
  const r = new WireReader(request);
  const apiKey = r.int16();
  const apiVersion = r.int16();
  const correlationId = r.int32();
  r.legacyString(); // client_id
  const handler = HANDLERS.get(apiKey);
  broker.requests.push({ api: handler?.name ?? `unknown(${apiKey})`, version: apiVersion });
  if (!handler || handler.version !== apiVersion) return false;
  if (!session.authenticated && !handler.beforeAuth) return false;
  if (handler.flexible) r.taggedFields();

  const reply = handler.handle(r, broker, session);
  if (reply.body) {
    const header = new WireWriter().int32(correlationId);
    if (handler.taggedResponseHeader) header.taggedFields();
    socket.write(frame(Buffer.concat([header.toBuffer(), reply.body])));
  }
  return !reply.close;
}
