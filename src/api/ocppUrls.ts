import type { Request } from 'express';
import type { Config } from '../config.js';
import type { OcppListening } from './deps.js';

export interface OcppUrls {
  ws: string | null;
  wss: string | null;
}

/**
 * Where a charger connects, to configure in the charger: the configured public URL (behind a
 * proxy), or this host as the portal's user reached it, on the ports the gateway listens on.
 */
export function ocppUrlsFor(chargerId: string, req: Request, config: Pick<Config, 'ocppPublicUrl'>, listening: OcppListening): OcppUrls {
  const path = `/${encodeURIComponent(chargerId)}`;
  if (config.ocppPublicUrl) {
    const secure = config.ocppPublicUrl.startsWith('wss:');
    return { ws: secure ? null : config.ocppPublicUrl + path, wss: secure ? config.ocppPublicUrl + path : null };
  }
  const host = req.hostname.includes(':') && !req.hostname.startsWith('[') ? `[${req.hostname}]` : req.hostname;
  const url = (scheme: string, port: number | undefined) => (port === undefined ? null : `${scheme}://${host}:${port}/ocpp${path}`);
  return { ws: url('ws', listening.ws), wss: url('wss', listening.wss) };
}
