import { createHash } from 'node:crypto';
import { idTagKey, type IdTag } from '../store/idTags.js';
import type { LocalListEntry, RecentIdTag } from '../store/localLists.js';

/**
 * What a charger's Local Authorization List should hold, derived from the installation's policy:
 * its native id tags (Blocked and Expired ones as such, so a revoked card is refused offline) and,
 * for native+recent, the tags the provider accepted lately. Pure: the sync does the I/O.
 */
export interface ListSources {
  natives: IdTag[];
  /** The provider's acceptances (empty unless the setting is native+recent). */
  recent: RecentIdTag[];
  /** When each tag last started a transaction, by id-tag key. */
  lastStarts: Map<string, string>;
  /** A recent tag without the provider's expiry holds this many days after its last use. */
  recentDays: number;
  now: Date;
}

/** One change in a Differential update: an entry without `info` removes the tag from the charger's list. */
export interface ListUpdate {
  idTag: string;
  type?: string;
  info?: LocalListEntry['info'];
}

const DAY_MS = 86_400_000;
const entryKey = (e: { idTag: string; type?: string }) => `${idTagKey(e.idTag)}\u0000${e.type ?? ''}`;

function nativeEntry(tag: IdTag, now: Date): LocalListEntry {
  const expired = tag.status === 'Accepted' && tag.expiryDate !== null && Date.parse(tag.expiryDate) <= now.getTime();
  const info: LocalListEntry['info'] = { status: expired ? 'Expired' : tag.status };
  if (tag.expiryDate) info.expiryDate = tag.expiryDate;
  if (tag.parentIdTag) info.parentIdTag = tag.parentIdTag;
  return { idTag: tag.idTag, ...(tag.type && { type: tag.type }), info };
}

/** The provider's expiry, or the end of the recent window: a charger cut off stops honouring it by itself. */
function recentEntry(tag: RecentIdTag, sources: ListSources): LocalListEntry | undefined {
  const windowEnd = new Date(Date.parse(tag.lastUsedAt) + sources.recentDays * DAY_MS).toISOString();
  const expiryDate = tag.expiryDate && tag.expiryDate < windowEnd ? tag.expiryDate : windowEnd;
  if (Date.parse(expiryDate) <= sources.now.getTime()) return undefined;
  const info: LocalListEntry['info'] = { status: 'Accepted', expiryDate };
  if (tag.parentIdTag) info.parentIdTag = tag.parentIdTag;
  return { idTag: tag.idTag, ...(tag.idTokenType && { type: tag.idTokenType }), info };
}

interface Ranked {
  entry: LocalListEntry;
  lastUsed: string;
  native: boolean;
}

/** Most recently used first; never used last; natives before recent ones; then by id tag, so the order is stable. */
function byUse(a: Ranked, b: Ranked): number {
  if (a.lastUsed !== b.lastUsed) return a.lastUsed < b.lastUsed ? 1 : -1;
  if (a.native !== b.native) return a.native ? -1 : 1;
  return entryKey(a.entry) < entryKey(b.entry) ? -1 : 1;
}

/** The list a charger should hold, cut to `maxLength` (its LocalAuthListMaxLength) when it has one. */
export function deriveLocalList(sources: ListSources, maxLength?: number | null): LocalListEntry[] {
  const ranked: Ranked[] = [];
  const nativeKeys = new Set<string>();
  for (const tag of sources.natives) {
    nativeKeys.add(idTagKey(tag.idTag));
    ranked.push({ entry: nativeEntry(tag, sources.now), lastUsed: sources.lastStarts.get(idTagKey(tag.idTag)) ?? '', native: true });
  }
  for (const tag of sources.recent) {
    // The site owner's own tag decides, whatever the provider said.
    if (nativeKeys.has(idTagKey(tag.idTag))) continue;
    const entry = recentEntry(tag, sources);
    const started = sources.lastStarts.get(idTagKey(tag.idTag)) ?? '';
    if (entry) ranked.push({ entry, lastUsed: started > tag.lastUsedAt ? started : tag.lastUsedAt, native: false });
  }
  ranked.sort(byUse);
  const kept = maxLength != null && maxLength >= 0 ? ranked.slice(0, maxLength) : ranked;
  return kept.map((r) => r.entry);
}

/** The same entries give the same hash whatever their order. */
export function contentHash(entries: LocalListEntry[]): string {
  const canonical = [...entries]
    .sort((a, b) => (entryKey(a) < entryKey(b) ? -1 : 1))
    .map((e) => [entryKey(e), e.info.status, e.info.expiryDate ?? '', e.info.parentIdTag ?? '']);
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

const sameInfo = (a: LocalListEntry['info'], b: LocalListEntry['info']) =>
  a.status === b.status && a.expiryDate === b.expiryDate && a.parentIdTag === b.parentIdTag;

/** What turns `previous` into `next`: added and changed entries, then removed ones (without info). */
export function diffLists(previous: LocalListEntry[], next: LocalListEntry[]): ListUpdate[] {
  const before = new Map(previous.map((e) => [entryKey(e), e]));
  const after = new Set(next.map(entryKey));
  const changed: ListUpdate[] = next.filter((e) => {
    const old = before.get(entryKey(e));
    return !old || !sameInfo(old.info, e.info);
  });
  const removed: ListUpdate[] = previous.filter((e) => !after.has(entryKey(e))).map((e) => ({ idTag: e.idTag, ...(e.type && { type: e.type }) }));
  return [...changed, ...removed];
}

/** Splits updates into messages of at most `size` entries (SendLocalListMaxLength); an empty list is one empty message. */
export function chunk<T>(items: T[], size: number | null | undefined): T[][] {
  if (items.length === 0) return [[]];
  if (!size || size <= 0) return [items];
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
