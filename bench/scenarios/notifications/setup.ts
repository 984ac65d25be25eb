// Puts the notifications scenario's data into its gateway, through the REST API as a site
// owner would: one native installation with an accepted idTag and its chargers, and
// subscriptions to connector.status_changed posting to the receiver child.

import { envelope } from '../../../src/notifications/record.js';
import { createLogger } from '../../../src/log.js';
import { openStore } from '../../../src/store/db.js';
import { eventLogStore } from '../../../src/store/eventLog.js';
import { BENCH_ADMIN_TOKEN } from '../../lib/gateway-setup.js';
import { RECEIVER_SECRET } from './receiver-process.js';
import type { ServerProcess } from '../../lib/server-process.js';
import { apiClient, type Api } from '../../lib/gateway-process.js';

const CONCURRENCY = 32;
/** Events per transaction when writing a backlog: few enough to hold SQLite's write lock only briefly. */
const BACKLOG_BATCH = 2_000;
const TIMEOUT_MS = 15_000;

/** Creates a native installation, `idTag` as Accepted, and chargers `${idPrefix}1…${chargers}`; returns the installation id. */
export async function createNativeInstallation(api: Api, setup: { chargers: number; idPrefix: string; idTag: string }): Promise<string> {
  const installation = (await api('POST', '/api/installations', { name: 'bench-notifications' })) as { id?: unknown };
  if (typeof installation?.id !== 'string') throw new Error('POST /api/installations returned no id');
  const base = `/api/installations/${encodeURIComponent(installation.id)}`;
  await api('POST', `${base}/id-tags`, { idTag: setup.idTag, status: 'Accepted' });
  await inParallel(setup.chargers, (k) => api('POST', `${base}/chargers`, { id: `${setup.idPrefix}${k + 1}` }));
  return installation.id;
}

/**
 * `count` webhook subscriptions to connector.status_changed of one installation, all to
 * `url`, each with its own `subscriptionId` (sent as x-subscription-id) so the receiver can
 * count per subscription. They start at the current end of the event log.
 */
export async function createStatusSubscriptions(api: Api, setup: { count: number; url: string; installationId: string }): Promise<string[]> {
  const ids: string[] = new Array(setup.count);
  await inParallel(setup.count, async (k) => {
    const created = (await api('POST', '/api/subscriptions', {
      label: `bench-${k + 1}`,
      url: setup.url,
      events: ['connector.status_changed'],
      installationId: setup.installationId,
      subscriptionId: `S${k + 1}`,
      secret: RECEIVER_SECRET,
      signature: 'hmac-sha256',
    })) as { id?: unknown };
    if (typeof created?.id !== 'string') throw new Error('POST /api/subscriptions returned no id');
    ids[k] = created.id;
  });
  return ids;
}

export function adminApi(gateway: ServerProcess): Api {
  return apiClient(gateway.info.httpPort!, BENCH_ADMIN_TOKEN);
}

/** GET with the admin token; throws on anything but 200. */
export async function getJson<T>(gateway: ServerProcess, path: string): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${gateway.info.httpPort}${path}`, {
    headers: { authorization: `Bearer ${BENCH_ADMIN_TOKEN}` },
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET ${path} answered HTTP ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

async function inParallel(count: number, job: (k: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await job(next++);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, count) }, worker));
}

/**
 * Writes `events` connector.status_changed events of `installationId` straight into the event
 * log of the gateway child's SQLite file, through the store, a batch per transaction: as fast as
 * the database takes them, where over OCPP one event costs one StatusNotification.
 */
export async function writeBacklog(dataDir: string, setup: { installationId: string; chargerIds: string[]; events: number }): Promise<{ writtenInMs: number; perSec: number }> {
  const handle = await openStore({ dataDir, log: createLogger('warn') });
  try {
    const events = eventLogStore(handle.db, handle.dialect);
    const started = performance.now();
    for (let from = 0; from < setup.events; from += BACKLOG_BATCH) {
      const batch = Array.from({ length: Math.min(BACKLOG_BATCH, setup.events - from) }, (_, k) => {
        const chargerId = setup.chargerIds[(from + k) % setup.chargerIds.length];
        const status = { connectorId: 1, status: (from + k) % 2 ? 'Available' : 'Preparing', errorCode: 'NoError', info: null, vendorErrorCode: null, timestamp: new Date().toISOString() };
        return envelope('connector.status_changed', setup.installationId, chargerId, status);
      });
      await events.insert(handle.db, batch);
    }
    const writtenInMs = performance.now() - started;
    return { writtenInMs: Math.round(writtenInMs), perSec: Math.round((setup.events / writtenInMs) * 1000) };
  } finally {
    await handle.close();
  }
}
