// One client process of the cluster-hold bench: a share of the fleet, spread over every node's
// URL, connected, booted and held until the parent says close. A process may open 20,000 files
// here, so 50,000 chargers need several of these.

import { runFleet, type Fleet } from '../../../simulators/charger/fleet.js';
import { Stats } from '../../../simulators/charger/stats.js';
import type { FleetPart, FleetFromChild, FleetToChild } from './fleet.js';

const send = (m: FleetFromChild) => process.send?.(m);
const PROGRESS_MS = 30_000;

async function hold(part: FleetPart): Promise<Fleet[]> {
  const stats = new Stats();
  const progress = setInterval(() => send({ type: 'progress', open: stats.connected - stats.closed }), PROGRESS_MS);
  const perUrl = Math.ceil(part.count / part.urls.length);
  const fleets = await Promise.all(
    part.urls.map((url, i) =>
      runFleet({
        url,
        count: Math.max(0, Math.min(perUrl, part.count - i * perUrl)),
        idPrefix: part.idPrefix,
        firstIndex: part.firstIndex + i * perUrl,
        connectRate: Math.ceil(part.connectRate / part.urls.length),
        maxConnecting: Math.ceil(part.maxConnecting / part.urls.length),
        localAddresses: [part.localAddress],
        connectors: 0,
        callTimeoutMs: 60_000,
        stats,
      }),
    ),
  );
  clearInterval(progress);
  send({
    type: 'held',
    held: fleets.map((f) => f.chargers.filter((c) => c.isOpen).length),
    failed: fleets.reduce((n, f) => n + f.failed, 0),
    connectMs: Math.max(...fleets.map((f) => f.connectMs)),
    connectionErrors: Object.fromEntries(stats.connectionErrors),
    rssKiB: Math.round(process.memoryUsage().rss / 1024),
  });
  return fleets;
}

if (process.send) {
  process.on('disconnect', () => process.exit(0));
  let fleets: Fleet[] = [];
  process.on('message', async (m: FleetToChild) => {
    try {
      if (m.type === 'hold') fleets = await hold(m.part);
      else if (m.type === 'close') {
        await Promise.all(fleets.map((f) => f.close()));
        send({ type: 'closed' });
        process.exit(0);
      }
    } catch (err) {
      send({ type: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    }
  });
}
