import { hostname } from 'node:os';
import type { Store } from '../store/index.js';
import { releaseChargersOf } from './release.js';
import type { Logger } from '../log.js';

export interface PresenceDeps {
  store: Store;
  log: Logger;
  nodeId: string;
  heartbeatMs: number;
  timeoutMs: number;
  /** This node's row was swept while it was alive (a long pause): claim its chargers again. */
  revived(): Promise<void>;
}

/** A remote-command row nobody read back within this time belongs to a caller that died. */
const NODE_CALL_MAX_AGE_MS = 10 * 60_000;
const TIDY_EVERY_TICKS = 10;
const DAY_MS = 86_400_000;

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface Presence {
  start(): Promise<void>;
  /** Whether the node's heartbeat is recent enough to count it alive. */
  isAlive(nodeId: string): Promise<boolean>;
  /** Looks for dead nodes now (also runs after every heartbeat). */
  sweep(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The presence table: each node writes a heartbeat every heartbeatMs; a node silent for
 * timeoutMs is dead, and whichever live node sees it first removes its row and marks its
 * chargers offline with charger.disconnected events, as the dead node's own close would have.
 */
export function createPresence(d: PresenceDeps): Presence {
  const { store, log, nodeId } = d;
  let timer: NodeJS.Timeout | undefined;
  let beating: Promise<void> | undefined;
  let working: Promise<void> | undefined;
  const cutoff = () => new Date(Date.now() - d.timeoutMs).toISOString();
  const register = () => store.nodes.register({ id: nodeId, host: hostname(), pid: process.pid }, new Date().toISOString());

  async function takeOut(id: string): Promise<void> {
    // Its deliveries go on elsewhere now rather than when their leases run out.
    await store.outbox.releaseOwner(id);
    await store.subscriptions.releaseOwner(id);
    await releaseChargersOf(d, id);
  }

  async function sweep(): Promise<void> {
    const before = cutoff();
    for (const id of await store.nodes.stale(before)) {
      if (id === nodeId || !(await store.nodes.claimDead(id, before))) continue;
      log.warn({ deadNode: id }, 'gateway node stopped heartbeating; taking it out of the cluster');
      await takeOut(id);
    }
  }

  /**
   * At start: a node of this host whose process is gone (a crash, then this restart) is dead
   * without waiting for its heartbeat to age. (Not one with our pid: test clusters run several
   * nodes in one process; a container's restarted pid 1 waits for the timeout.)
   */
  async function sweepOwnHost(): Promise<void> {
    const anyHeartbeat = new Date(Date.now() + DAY_MS).toISOString();
    for (const { id, pid } of await store.nodes.onHost(hostname())) {
      if (id === nodeId || processExists(pid)) continue;
      if (!(await store.nodes.claimDead(id, anyHeartbeat))) continue;
      log.warn({ deadNode: id, pid }, 'a previous gateway process of this host is gone; taking it out of the cluster');
      await takeOut(id);
    }
  }

  /** Rarer, as it reads every held charger: leftovers of a sweeper that died half-way, or of a crash before this table existed. */
  async function tidy(): Promise<void> {
    for (const id of await store.nodes.orphanHolders()) if (id !== nodeId) await releaseChargersOf(d, id);
    await store.nodeCalls.prune(new Date(Date.now() - NODE_CALL_MAX_AGE_MS).toISOString());
  }

  let ticks = 0;
  let revive = false;
  /** Only the heartbeat: it must go out on time however long a sweep or a reclaim takes. */
  async function beat(): Promise<void> {
    if (await store.nodes.heartbeat(nodeId, new Date().toISOString())) return;
    log.warn('this node was taken for dead by another; registering again');
    await register();
    revive = true;
  }

  /** Sweeps, reclaims and tidies: with 10,000s of chargers these outlast a heartbeat period. */
  async function housekeep(): Promise<void> {
    if (revive) {
      revive = false;
      await d.revived();
    }
    await sweep();
    if (++ticks % TIDY_EVERY_TICKS === 0) await tidy();
  }

  return {
    async start() {
      await register();
      await sweepOwnHost();
      await sweep();
      await tidy();
      timer = setInterval(() => {
        beating ??= beat()
          .catch((err) => log.error({ err }, 'cluster heartbeat failed'))
          .finally(() => (beating = undefined));
        working ??= housekeep()
          .catch((err) => log.error({ err }, 'cluster housekeeping failed'))
          .finally(() => (working = undefined));
      }, d.heartbeatMs);
      timer.unref();
    },
    isAlive: (id) => store.nodes.isAlive(id, cutoff()),
    sweep,
    async stop() {
      clearInterval(timer);
      await Promise.all([beating, working]);
      // Left in place, the row goes stale and another node sweeps it: the stop goes on.
      await store.nodes.remove(nodeId).catch((err) => log.warn({ err }, 'could not leave the presence table'));
    },
  };
}
