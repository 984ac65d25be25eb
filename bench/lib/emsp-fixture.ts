// The mock eMSP the ocpi scenario calls, and what is posted to it, so the eMSP measured alone
// from the load child gets the request the gateway sends (src/ocpi/realtime.ts).

import { randomUUID } from 'node:crypto';
import type { ServerInfo } from './child.js';

export { authorizationHeader as ocpiAuthorization } from '../../src/ocpi/credentialsToken.js';

/** What emsp-child.ts is told through BENCH_EMSP (JSON): whom to register with, which tokens to push. */
export interface EmspSetup {
  /** The gateway's versions URL and the token A it issued for this eMSP. */
  versionsUrl: string;
  tokenA: string;
  /** Tokens to push after registering (RFID, valid), by uid. */
  push: { uid: string; whitelist: 'ALWAYS' | 'ALLOWED' | 'ALLOWED_OFFLINE' | 'NEVER' }[];
  /** Delay of every real-time answer. */
  latencyMs: number;
}

export const EMSP_SETUP_ENV = 'BENCH_EMSP';

/** What the eMSP child reports; no OCPP port (0), only HTTP. */
export interface EmspInfo extends ServerInfo {
  /** The eMSP's tokens endpoint (Sender), where real-time authorizations go. */
  tokensUrl: string;
  /** A credentials token the eMSP accepts besides the gateway's, for the load child. */
  loadToken: string;
}

export const OCPI_HEADERS: Record<string, string> = { 'content-type': 'application/json' };

const INSTALLATION_ID = randomUUID();

/** LocationReferences as the gateway sends them: the installation, the charger as EVSE; `n` varies the charger. */
export function locationReferences(n: number): object {
  return { location_id: INSTALLATION_ID, evse_uids: [`BENCH-OCPI-${(n % 500) + 1}`] };
}
