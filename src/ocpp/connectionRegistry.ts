import type { OnlineBefore, Registration } from '../store/chargers.js';
import type { OcppConnection } from './rpc/connection.js';

/** Who a connection belongs to, fixed at its handshake. */
export interface ChargerSession {
  chargerId: string;
  installationId: string;
  /** As stored at the handshake; the connection's own state follows its BootNotification answers. */
  registration: Registration;
  /** What the charger held when it connected: the previous holder, its last boot and offline setting. */
  before: OnlineBefore;
}

export type ChargerConnection = OcppConnection<ChargerSession>;

/**
 * The live connections of this process, one per charger id. Everything else about a charger
 * lives in the store; this map only says which socket to write to.
 */
export function createConnectionRegistry() {
  const clients = new Map<string, ChargerConnection>();
  // When each current connection was made (epoch ms): a takeover elsewhere closes only older ones.
  const since = new Map<string, number>();
  // Offline writes of closed connections, which a shutdown lets finish before releasing the rest.
  const closing = new Set<Promise<unknown>>();
  return {
    /** Makes `client` the charger's connection and returns the one it replaces, if any. */
    set(chargerId: string, client: ChargerConnection): ChargerConnection | undefined {
      const previous = clients.get(chargerId);
      clients.set(chargerId, client);
      if (previous !== client) since.set(chargerId, Date.now());
      return previous === client ? undefined : previous;
    },
    /** Removes the entry only if `client` is still the current one; true when it was. */
    release(chargerId: string, client: ChargerConnection): boolean {
      if (clients.get(chargerId) !== client) return false;
      clients.delete(chargerId);
      since.delete(chargerId);
      return true;
    },
    get(chargerId: string): ChargerConnection | undefined {
      return clients.get(chargerId);
    },
    /** When the charger's current connection was made (epoch ms), if it has one. */
    connectedAt(chargerId: string): number | undefined {
      return since.get(chargerId);
    },
    isCurrent(chargerId: string, client: ChargerConnection): boolean {
      return clients.get(chargerId) === client;
    },
    /** The connected chargers of one installation, as [chargerId, client]. */
    *ofInstallation(installationId: string): Generator<[string, ChargerConnection]> {
      for (const [id, client] of clients) if (client.session.installationId === installationId) yield [id, client];
    },
    /** Keeps the offline write of a closed connection until it settles. */
    trackClose(write: Promise<unknown>): void {
      closing.add(write);
      void write.finally(() => closing.delete(write));
    },
    /** Resolves when every offline write tracked so far has settled. */
    async closesSettled(): Promise<void> {
      await Promise.allSettled([...closing]);
    },
    /** Every live connection of this process, as [chargerId, client]. */
    entries(): IterableIterator<[string, ChargerConnection]> {
      return clients.entries();
    },
    /** Every live connection of this process. */
    all(): ChargerConnection[] {
      return [...clients.values()];
    },
    get size() {
      return clients.size;
    },
  };
}

export type ConnectionRegistry = ReturnType<typeof createConnectionRegistry>;
