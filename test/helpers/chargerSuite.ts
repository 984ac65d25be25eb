// What the charger-feature suites (firmware, reservations, security messages) start from.

import type { StartOptions } from '../../src/app.js';
import type { SimCharger } from '../../simulators/charger/charger.js';
import type { Receiver } from '../../simulators/receiver/index.js';
import { engines } from './databases.js';
import { startTestGateway, type TestGateway } from './gateway.js';
import { receiver, subscribe } from './notifications.js';

/** Every engine with every OCPP version, as describe.each rows. */
export const enginesAndVersions = engines.flatMap((engine) => (['ocpp1.6', 'ocpp2.0.1'] as const).map((protocol) => [engine, protocol] as const));

/** A gateway on `engine`, a receiver subscribed to `events`, and charger `id` of `protocol` in an installation, connected and booted. */
export async function gatewayWithCharger(
  engine: (typeof engines)[number],
  protocol: 'ocpp1.6' | 'ocpp2.0.1',
  id: string,
  opts: { events: string[]; gateway?: StartOptions; idTags?: Parameters<TestGateway['installation']>[1]; connectors?: number },
): Promise<{ t: TestGateway; r: Receiver; c: SimCharger; installationId: string }> {
  const t = await startTestGateway(engine, opts.gateway);
  const r = await receiver();
  await subscribe(t, { url: r.url, events: opts.events });
  const installationId = await t.installation([id], opts.idTags);
  const c = t.charger(id, { protocol, ...(opts.connectors && { connectors: opts.connectors }) });
  await c.connect();
  await c.boot();
  return { t, r, c, installationId };
}
