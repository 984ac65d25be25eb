// Puts the bench's installation, chargers and idTag into a fresh gateway
// through its REST API, as a site owner would. Charger ids must exist before
// they connect: the gateway refuses unknown chargers at the handshake.

export const BENCH_ADMIN_TOKEN = 'bench-admin-token';
/** A data dir for gateway-child.ts that it keeps on close, so a second child starts on what the first set up. */
export const GATEWAY_DATA_DIR_ENV = 'BENCH_GATEWAY_DATA_DIR';

/** Charger n's own id tag (n from 1, as charger ids), beside the tag the whole fleet shares. */
export const chargerTagOf = (idTag: string, n: number): string => `${idTag}-${n}`;

const CONCURRENCY = 32;
const TIMEOUT_MS = 15_000;

export interface GatewaySetup {
  httpPort: number;
  adminToken: string;
  chargers: number;
  idPrefix: string;
  idTag: string;
  /** Also one tag per charger (`<idTag>-<n>`), for the session phase: one card, one transaction. */
  perChargerTags?: boolean;
}

export async function setUpGateway(setup: GatewaySetup): Promise<void> {
  const api = apiClient(setup.httpPort, setup.adminToken);
  const installation = (await api('/api/installations', { name: 'bench' })) as { id?: unknown };
  if (installation?.id === undefined) throw new Error('POST /api/installations returned no id');
  const base = `/api/installations/${encodeURIComponent(String(installation.id))}`;
  await api(`${base}/id-tags`, { idTag: setup.idTag, status: 'Accepted' });

  let next = 0;
  const worker = async () => {
    while (next < setup.chargers) {
      const n = ++next;
      await api(`${base}/chargers`, { id: `${setup.idPrefix}${n}` });
      if (setup.perChargerTags) await api(`${base}/id-tags`, { idTag: chargerTagOf(setup.idTag, n), status: 'Accepted' });
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, setup.chargers) }, worker));
}

function apiClient(httpPort: number, adminToken: string) {
  return async (path: string, body: object): Promise<unknown> => {
    const res = await fetch(`http://127.0.0.1:${httpPort}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const text = await res.text();
    if (res.status !== 201) throw new Error(`POST ${path} answered HTTP ${res.status}, expected 201: ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : undefined;
  };
}
