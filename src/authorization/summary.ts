import { PROVIDER_SOURCE } from './types.js';
import { RESERVED_FOR_ANOTHER } from './reservation.js';

/** What the provider answered for a stored decision, as far as its reason code and answer say. */
export interface ProviderReplySummary {
  allowed: boolean;
  /** The status the provider gave (Accepted when it allowed, even if a guard then refused). */
  status: string;
  /** The provider's own words, when it refused with a reason. */
  reason: string | null;
  /** When it refused by answering a 4xx instead of a reply body. */
  httpStatus: number | null;
  sessionId: string | null;
  expiryDate: string | null;
  parentIdTag: string | null;
}

export interface StoredDecision {
  status: string;
  source: string;
  reason: string | null;
  sessionId: string | null;
  expiryDate: string | null;
  parentIdTag: string | null;
}

const REFUSED = 'provider_refused';
const REFUSED_BY_STATUS = /^provider_http_(\d{3})$/;

/**
 * Read back from the reason codes provider.ts and sessionStart.ts store: null when the provider
 * did not decide (native, offline, cached, default). A ConcurrentTx after the provider allowed
 * keeps the provider as source with reason concurrent_tx (or reserved_for_another): the provider's answer was still yes.
 */
export function providerReplySummary(d: StoredDecision): ProviderReplySummary | null {
  if (d.source !== PROVIDER_SOURCE) return null;
  const reason = d.reason ?? '';
  const details = { sessionId: d.sessionId, expiryDate: d.expiryDate, parentIdTag: d.parentIdTag };
  if (reason === 'provider_allowed' || reason === 'concurrent_tx' || reason === RESERVED_FOR_ANOTHER) return { allowed: true, status: 'Accepted', reason: null, httpStatus: null, ...details };
  const byStatus = REFUSED_BY_STATUS.exec(reason);
  const text = reason.startsWith(`${REFUSED}:`) ? reason.slice(REFUSED.length + 1) : null;
  return { allowed: false, status: d.status, reason: text, httpStatus: byStatus ? Number(byStatus[1]) : null, ...details };
}
