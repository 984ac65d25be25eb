// The charger's Local Authorization List (OCPP 1.6 Local Auth List Management; 2.0.1 D01-D03):
// kept in memory, changed by SendLocalList, read by GetLocalListVersion, and what the charger
// decides from while it has no connection.

export interface ListInfo {
  status: string;
  expiryDate?: string;
}

/** One entry as the version sends it: an idTag (1.6) or an idToken with its type (2.0.1); no info removes it. */
export interface ListItem {
  idTag: string;
  info?: ListInfo;
}

export interface ListLimits {
  /** LocalAuthListMaxLength (2.0.1: Entries' maxLimit): the most entries the list holds. */
  maxLength: number;
  /** SendLocalListMaxLength / ItemsPerMessage: the most entries one SendLocalList carries. */
  perMessage: number;
}

export const DEFAULT_LIMITS: ListLimits = { maxLength: 1000, perMessage: 100 };

/** IdToken is case-insensitive. */
const keyOf = (idTag: string) => idTag.toUpperCase();

export class LocalList {
  version = 0;
  readonly entries = new Map<string, ListItem & { info: ListInfo }>();
  /** SendLocalList messages received, in order (what tests look at). */
  readonly received: { version: number; updateType: string; items: number }[] = [];

  /** The limits a 2.0.1 station has no configuration key for (1.6 reads its keys each time). */
  limits: ListLimits = DEFAULT_LIMITS;

  /** SendLocalList, as both versions define it; answers its status. */
  apply(updateType: string, version: number, items: ListItem[], limits = this.limits): 'Accepted' | 'Failed' | 'VersionMismatch' {
    this.received.push({ version, updateType, items: items.length });
    if (items.length > limits.perMessage) return 'Failed';
    // A Differential must move the list forward; one at or below the current version is out of step.
    if (updateType === 'Differential' && version <= this.version) return 'VersionMismatch';
    const next = updateType === 'Full' ? new Map<string, ListItem & { info: ListInfo }>() : new Map(this.entries);
    for (const item of items) {
      if (item.info) next.set(keyOf(item.idTag), { idTag: item.idTag, info: item.info });
      else next.delete(keyOf(item.idTag));
    }
    if (next.size > limits.maxLength) return 'Failed';
    this.entries.clear();
    for (const [k, v] of next) this.entries.set(k, v);
    this.version = version;
    return 'Accepted';
  }

  /** The local decision for a tag: its entry's status (Expired once its expiry passed), or undefined when not listed. */
  decide(idTag: string, now = Date.now()): string | undefined {
    const entry = this.entries.get(keyOf(idTag));
    if (!entry) return undefined;
    if (entry.info.status === 'Accepted' && entry.info.expiryDate && Date.parse(entry.info.expiryDate) <= now) return 'Expired';
    return entry.info.status;
  }
}
