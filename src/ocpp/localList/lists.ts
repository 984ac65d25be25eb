import type { Store } from '../../store/index.js';
import type { LocalListEntry } from '../../store/localLists.js';
import { MAX_RECENT_DAYS, type LocalListSetting } from '../../store/installations.js';
import { DAY_MS, deriveLocalList } from '../../authorization/localList.js';

/** An installation's list, derived once for all its chargers; each cuts it to its own maximum. */
export interface ListSource {
  /** Most recently used first, not cut. */
  get(installationId: string, setting: LocalListSetting): Promise<LocalListEntry[]>;
  /** What the list derives from changed: derive again on the next get. */
  forget(installationId: string): void;
}

/** The reads behind one list: id tags, recent acceptances, last starts; acceptances older than any window are dropped. */
async function derive(store: Store, installationId: string, setting: LocalListSetting): Promise<LocalListEntry[]> {
  const now = new Date();
  const since = new Date(now.getTime() - setting.recentDays * DAY_MS).toISOString();
  const recent = setting.mode === 'native+recent' ? store.localLists.recent(installationId, since) : Promise.resolve([]);
  const [natives, recentTags, lastStarts] = await Promise.all([store.idTags.list(installationId), recent, store.localLists.lastStarts(installationId)]);
  await store.localLists.forgetRecentBefore(installationId, new Date(now.getTime() - MAX_RECENT_DAYS * DAY_MS).toISOString());
  return deriveLocalList({ natives, recent: recentTags, lastStarts, recentDays: setting.recentDays, now });
}

/**
 * A change makes every charger of the installation sync at once: the list is read once for them
 * and kept `ttlMs` (a recent tag's window moves slowly); a change forgets it at once.
 */
export function createListSource(store: Store, ttlMs: number): ListSource {
  const kept = new Map<string, { at: number; key: string; list: Promise<LocalListEntry[]> }>();
  return {
    get(installationId, setting) {
      const key = `${setting.mode}/${setting.recentDays}`;
      const hit = kept.get(installationId);
      if (hit && hit.key === key && Date.now() - hit.at < ttlMs) return hit.list;
      const list = derive(store, installationId, setting);
      kept.set(installationId, { at: Date.now(), key, list });
      list.catch(() => kept.delete(installationId));
      return list;
    },
    forget: (installationId) => void kept.delete(installationId),
  };
}
