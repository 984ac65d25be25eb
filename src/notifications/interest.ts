import type { Subscription } from '../store/subscriptions.js';
import type { EventType } from './catalogue.js';
import type { Envelope } from '../store/envelope.js';
import type { EventScope } from '../store/eventLog.js';

/** True when `sub` wants this event: scope, event types and filter. */
export function wants(sub: Subscription, e: Pick<Envelope, 'type' | 'installationId' | 'chargerId' | 'data'>): boolean {
  if (sub.installationId && sub.installationId !== e.installationId) return false;
  // A test event goes only where it was asked for (the dispatcher sends it directly).
  if (e.type === 'subscription.test') return false;
  if (!sub.events.includes('*') && !sub.events.includes(e.type)) return false;
  return passesFilter(sub, e);
}

/** The part of the event log a subscription reads: its installation's (or all), its types (or all). */
export function scopeOf(sub: Pick<Subscription, 'installationId' | 'events'>): EventScope {
  return { installationId: sub.installationId, types: sub.events.includes('*') ? '*' : sub.events };
}

/** Whether `sub` asked for events of this type to be sent before the charger gets its reply. */
export function wantsBlocking(sub: Subscription, type: string): boolean {
  return sub.blocking.includes('*') || sub.blocking.includes(type);
}

/** Events that carry an id tag must match the pattern; events about chargers must name a listed one. */
export function passesFilter(sub: Subscription, e: Pick<Envelope, 'chargerId' | 'data'>): boolean {
  const { idTagPattern, chargers } = sub.filter;
  if (chargers?.length && (!e.chargerId || !chargers.includes(e.chargerId))) return false;
  if (idTagPattern) {
    const idTag = (e.data as { idTag?: unknown } | undefined)?.idTag;
    if (typeof idTag === 'string' && !compiled(idTagPattern).test(idTag)) return false;
  }
  return true;
}

const patterns = new Map<string, RegExp>();
function compiled(pattern: string): RegExp {
  let re = patterns.get(pattern);
  if (!re) {
    re = new RegExp(pattern);
    if (patterns.size > 1000) patterns.clear();
    patterns.set(pattern, re);
  }
  return re;
}

/**
 * Which subscriptions exist, kept in memory so that an event nobody wants costs nothing on
 * the charger's path (no row, no transaction). Reloaded after API changes on this node and
 * every few seconds for changes made on others.
 */
export function createInterest(load: () => Promise<Subscription[]>, ttlMs = 5000) {
  let subs: Subscription[] = [];
  let loadedAt = 0;
  let loading: Promise<void> | undefined;
  const refresh = () => {
    loading ??= load()
      .then((all) => {
        subs = all.filter((s) => s.enabled && s.state !== 'disabled');
        loadedAt = Date.now();
      })
      .finally(() => {
        loading = undefined;
      });
    return loading;
  };
  const stale = () => Date.now() - loadedAt > ttlMs;
  const fresh = async () => {
    if (stale()) await refresh();
  };
  const anyNow = (installationId: string, type: EventType) =>
    subs.some((s) => (!s.installationId || s.installationId === installationId) && (s.events.includes('*') || s.events.includes(type)));
  const matchingNow = (e: Pick<Envelope, 'type' | 'installationId' | 'chargerId' | 'data'>) => subs.filter((s) => wants(s, e));
  return {
    refresh,
    /** Whether the list is due for a reload (then `fresh` first, outside any transaction). */
    stale,
    /** Reloads the list when it is older than the TTL. Never call it inside a database transaction (SQLite has one connection). */
    fresh,
    /** Subscriptions that want this event, from the list in memory: no database access, safe inside a transaction. */
    matchingNow,
    /** Subscriptions that want this event (may be a few seconds stale for other nodes' changes). */
    async matching(e: Pick<Envelope, 'type' | 'installationId' | 'chargerId' | 'data'>): Promise<Subscription[]> {
      await fresh();
      return matchingNow(e);
    },
    /**
     * Whether any subscription may want events of these types here, from the list in memory;
     * undefined when that list is due for a reload (then call fresh() first). No promise: the
     * hot path's usual answer is "nobody".
     */
    anyForNow(installationId: string, types: readonly EventType[]): boolean | undefined {
      if (stale()) return undefined;
      return types.some((t) => anyNow(installationId, t));
    },
    get all() {
      return subs;
    },
  };
}

export type Interest = ReturnType<typeof createInterest>;
