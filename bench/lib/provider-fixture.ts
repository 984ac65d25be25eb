// The provider the webhook benches call, and what is posted to it, so the client
// comparison and the webhook scenario send the same bytes the gateway sends.

import { randomUUID } from 'node:crypto';
import type { ServerInfo } from './child.js';

export const PROVIDER_USER = 'gateway';
export const PROVIDER_PASSWORD = 'secret-pass';

/** An installation's authentication payload for Basic auth (no authUrl), as a site owner sets it. */
export const AUTH_PAYLOAD = `username=${PROVIDER_USER}&password=${PROVIDER_PASSWORD}`;

/** The headers src/providers/providerCall.ts sends with that payload. */
export const WEBHOOK_HEADERS: Record<string, string> = {
  'content-type': 'application/json',
  accept: 'application/json',
  authorization: `Basic ${Buffer.from(`${PROVIDER_USER}:${PROVIDER_PASSWORD}`).toString('base64')}`,
};

/** What the provider child reports; it has no OCPP port (0), only HTTP. */
export interface ProviderInfo extends ServerInfo {
  startUrl: string;
}

const INSTALLATION_ID = randomUUID();

/** A session.start body as src/providers/sessionStart.ts builds it for Authorize; `n` varies the charger and tag. */
export function sessionStartBody(n: number): object {
  return {
    type: 'session.start',
    version: 1,
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    trigger: 'Authorize',
    installationId: INSTALLATION_ID,
    chargerId: `BENCH-WEBHOOK-${(n % 500) + 1}`,
    idTag: `W${n}`,
    offline: false,
  };
}

/** The provider's reply as a status to count: `allowed`, `refused` or `HTTP <status>`. */
export function replyStatus(status: number, text: string): string {
  if (status !== 200) return `HTTP ${status}`;
  return (JSON.parse(text) as { allowed?: unknown }).allowed === true ? 'allowed' : 'refused';
}
