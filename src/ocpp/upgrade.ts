import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '../log.js';
import { chargerIdProblem } from '../chargerId.js';

export type UpgradeHandler = (request: IncomingMessage, socket: Socket, head: Buffer) => unknown;

export type ChargerPath = { ok: true; endpoint: string; chargerId: string } | { ok: false; status: 400 | 404; reason: string };

/** Only /ocpp/{chargerId} is served. */
export const OCPP_ENDPOINT = '/ocpp';

/** The charger id an upgrade asks for, decoded and held to the API's id rules, or why it is refused. */
export function chargerPath(url: string | undefined): ChargerPath {
  let pathname: string;
  try {
    // As the WebSocket library reads it, so both see the same id.
    pathname = new URL(`http://localhost${url ?? '/'}`).pathname;
  } catch {
    return { ok: false, status: 400, reason: 'Request target is not a valid URL' };
  }
  const cut = pathname.lastIndexOf('/');
  const endpoint = pathname.slice(0, cut) || '/';
  if (endpoint !== OCPP_ENDPOINT || cut === pathname.length - 1) return { ok: false, status: 404, reason: 'Not found' };
  let chargerId: string;
  try {
    chargerId = decodeURIComponent(pathname.slice(cut + 1));
  } catch {
    return { ok: false, status: 400, reason: 'Charger id is not valid percent-encoding' };
  }
  const problem = chargerIdProblem(chargerId);
  return problem ? { ok: false, status: 400, reason: `Charger id ${problem}` } : { ok: true, endpoint, chargerId };
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 404: 'Not Found', 500: 'Internal Server Error' };

/** Answers an upgrade with a plain HTTP status and closes the socket. */
export function refuseUpgrade(socket: Socket, status: number, reason: string): void {
  if (!socket.writable) return void socket.destroy();
  const body = `${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nConnection: close\r\nContent-Type: text/plain\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** A peer that resets mid-handshake must not become an unhandled 'error' event. */
const ignoreSocketError = () => undefined;

/**
 * The gate before the WebSocket library: a path that is not /ocpp/{valid id} gets its status here,
 * and whatever the library throws or rejects with is logged and answered with 500, never left to
 * crash the process.
 */
export function guardUpgrade(handle: UpgradeHandler, log: Logger): UpgradeHandler {
  return (request, socket, head) => {
    socket.on('error', ignoreSocketError);
    const path = chargerPath(request.url);
    if (!path.ok) {
      log.info({ status: path.status, reason: path.reason, remoteAddress: request.socket.remoteAddress }, 'upgrade refused');
      return refuseUpgrade(socket, path.status, path.reason);
    }
    const failed = (err: unknown) => {
      log.error({ err, chargerId: path.chargerId }, 'WebSocket upgrade failed');
      refuseUpgrade(socket, 500, 'Internal error');
    };
    try {
      Promise.resolve(handle(request, socket, head)).catch(failed);
    } catch (err) {
      failed(err);
    }
  };
}
