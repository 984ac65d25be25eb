// The webhook scenario's installation: webhook mode pointing at the provider, and its
// chargers, through the REST API as a site owner would.

import { AUTH_PAYLOAD } from '../../lib/provider-fixture.js';
import type { Api } from '../../lib/gateway-process.js';
import { createChargers } from '../../lib/fleet.js';

/** The installation's webhook deadline; a charger is waiting. */
const WEBHOOK_TIMEOUT_MS = 3_000;

/** Creates the webhook installation and chargers `${idPrefix}1…${chargers}`; returns the installation id. */
export async function createWebhookInstallation(
  api: Api,
  setup: { sessionStartUrl: string; chargers: number; idPrefix: string },
): Promise<string> {
  const installation = (await api('POST', '/api/installations', {
    name: 'bench-webhook',
    authentication: {
      mode: 'webhook',
      authPayload: AUTH_PAYLOAD,
      sessionStartUrl: setup.sessionStartUrl,
      timeoutMs: WEBHOOK_TIMEOUT_MS,
      offlineAllow: false,
    },
  })) as { id?: unknown };
  if (typeof installation?.id !== 'string') throw new Error('POST /api/installations returned no id');
  await createChargers(api, installation.id, setup.chargers, setup.idPrefix);
  return installation.id;
}
