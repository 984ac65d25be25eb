import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '../log.js';
import { chargerIdProblem } from '../chargerId.js';
import { refuseUpgrade } from './rpc/handshake.js';

export type UpgradeHandler = (request: IncomingMessage, socket: Socket, head: Buffer) => unknown;
/** Upgrades a request for a charger path already decoded and checked. */
export type ChargerUpgrade = (request: IncomingMessage, socket: Socket, head: Buffer, path: { endpoint: string; chargerId: string }) => unknown;

export type ChargerPath = { ok: true; endpoint: string; chargerId: string } | { ok: false; status: 400 | 404; reason: string };

/** Only /ocpp/{chargerId} is served. */
export const OCPP_ENDPOINT = '/ocpp';

/** The charger id an upgrade asks for, decoded and held to the API's id rules, or why it is refused. */
export function chargerPath(url: string | undefined): ChargerPath {
  let pathname: string;
  try {
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

/** A peer that resets mid-handshake must not become an unhandled 'error' event. */
const ignoreSocketError = () => undefined;

/**
 * The gate before the handshake: a path that is not /ocpp/{valid id} gets its status here, and
 * whatever the handshake throws or rejects with is logged and answered with 500, never left to
 * crash the process.
 */
export function guardUpgrade(handle: ChargerUpgrade, log: Logger): UpgradeHandler {
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
      Promise.resolve(handle(request, socket, head, path)).catch(failed);
    } catch (err) {
      failed(err);
    }
  };
}
