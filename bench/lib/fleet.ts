// An installation's chargers as the scenarios that call through the gateway need them: created
// through the REST API as a site owner would, then connected from this process.

import type { SimCharger } from '../../simulators/charger/charger.js';
import { runFleet } from '../../simulators/charger/fleet.js';
import type { Api } from './gateway-process.js';

const CONCURRENCY = 32;
const MAX_CONNECTING = 200;
// Above an installation's 3 s provider deadline, so a slow upstream shows as Invalid, not as a charger timeout.
const CALL_TIMEOUT_MS = 10_000;

/** Creates chargers `${idPrefix}1…${count}` in the installation. */
export async function createChargers(api: Api, installationId: string, count: number, idPrefix: string): Promise<void> {
  const base = `/api/installations/${encodeURIComponent(installationId)}`;
  let next = 0;
  const worker = async () => {
    while (next < count) await api('POST', `${base}/chargers`, { id: `${idPrefix}${++next}` });
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, count) }, worker));
}

/** Connects `${idPrefix}1…${count}` to the gateway; the chargers that came up, and `close` for all. */
export async function connectChargers(ocppPort: number, count: number, idPrefix: string): Promise<{ chargers: SimCharger[]; close(): Promise<void> }> {
  const fleet = await runFleet({
    url: `ws://127.0.0.1:${ocppPort}/ocpp`,
    count,
    idPrefix,
    connectRate: Number.MAX_SAFE_INTEGER, // bounded by MAX_CONNECTING instead
    maxConnecting: MAX_CONNECTING,
    callTimeoutMs: CALL_TIMEOUT_MS,
  });
  const chargers = fleet.chargers.filter((c) => c.isOpen);
  if (chargers.length === 0) {
    await fleet.close();
    throw new Error(`no charger connected to the gateway: ${JSON.stringify(fleet.stats.summary().connectionErrors)}`);
  }
  return { chargers, close: () => fleet.close() };
}
