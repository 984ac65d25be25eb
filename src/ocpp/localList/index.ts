import type { ConnectionRegistry } from '../connectionRegistry.js';
import { syncCharger, type SyncDeps } from './sync.js';

export interface LocalListSyncDeps extends SyncDeps {
  registry: ConnectionRegistry;
  /** Changes arriving together (an import of many tags) make one sync. */
  debounceMs: number;
  /** Tells the other nodes of the cluster that an installation's list changed; they sync the chargers they hold. */
  announce?(installationId: string): void;
}

export interface LocalListSync {
  /** A charger of this node is ready for requests (booted, or back after an outage): bring its list in line. */
  charger(chargerId: string): void;
  /** Something an installation's lists derive from changed: every charger of it this node holds is synced, after the debounce. */
  installation(installationId: string, opts?: { announce?: boolean }): void;
  /** Resolves when no sync is running or waiting (tests; shutdown). */
  settled(): Promise<void>;
  close(): void;
}

/**
 * Runs list syncs: one at a time per charger (a request during a run makes one more run after
 * it), installation changes debounced. Only the node holding a charger's socket syncs it.
 */
export function createLocalListSync(deps: LocalListSyncDeps): LocalListSync {
  const running = new Map<string, Promise<void>>();
  const again = new Set<string>();
  const timers = new Map<string, NodeJS.Timeout>();

  function charger(chargerId: string): void {
    if (running.has(chargerId)) {
      again.add(chargerId);
      return;
    }
    const client = deps.registry.get(chargerId);
    if (!client) return;
    const log = deps.log.child({ chargerId });
    const target = { chargerId, installationId: client.session.installationId, client };
    const run = syncCharger({ ...deps, log }, target)
      .catch((err) => log.error({ err }, 'local list sync failed'))
      .finally(() => {
        running.delete(chargerId);
        if (again.delete(chargerId)) charger(chargerId);
      });
    running.set(chargerId, run);
  }

  return {
    charger,
    installation(installationId, { announce = true } = {}) {
      if (announce) deps.announce?.(installationId);
      clearTimeout(timers.get(installationId));
      const timer = setTimeout(() => {
        timers.delete(installationId);
        for (const [chargerId] of deps.registry.ofInstallation(installationId)) charger(chargerId);
      }, deps.debounceMs);
      timer.unref();
      timers.set(installationId, timer);
    },
    async settled() {
      while (running.size > 0) await Promise.allSettled([...running.values()]);
    },
    close() {
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      again.clear();
    },
  };
}
