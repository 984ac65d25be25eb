import type { IdTag } from '../store/idTags.js';
import type { Authorizer, Decision } from './types.js';

export interface NativeDeps {
  findIdTag(installationId: string, idTag: string): Promise<IdTag | undefined>;
  now?: () => Date;
}

function withTagInfo(tag: IdTag, status: Decision['status'], reason: string): Decision {
  const d: Decision = { status, source: 'native', reason, final: true };
  if (tag.expiryDate) d.expiryDate = tag.expiryDate;
  if (tag.parentIdTag) d.parentIdTag = tag.parentIdTag;
  return d;
}

/** OCPP 2.1: a payment card read at the charger is the provider's to decide, never an id tag of ours. */
const PROVIDER_ONLY_TYPES = new Set(['DirectPayment']);

/**
 * A tag limited to a type matches only tokens of that type; a 1.6 id tag carries no type and
 * matches as before.
 */
function typeMatches(tag: IdTag, tokenType: string | undefined): boolean {
  return tag.type === null || tokenType === undefined || tag.type === tokenType;
}

/** The id tags the gateway keeps per installation. An unknown tag is left to later sources. */
export function nativeAuthorizer({ findIdTag, now = () => new Date() }: NativeDeps): Authorizer {
  return async (req, current) => {
    if (req.idTokenType !== undefined && PROVIDER_ONLY_TYPES.has(req.idTokenType)) return { ...current, reason: 'not_a_native_token_type' };
    const tag = await findIdTag(req.installationId, req.idTag);
    if (!tag || !typeMatches(tag, req.idTokenType)) return { ...current, reason: 'unknown_id_tag' };
    if (tag.status === 'Blocked') return withTagInfo(tag, 'Blocked', 'blocked');
    if (tag.status === 'Expired') return withTagInfo(tag, 'Expired', 'expired');
    if (tag.expiryDate && Date.parse(tag.expiryDate) <= now().getTime()) return withTagInfo(tag, 'Expired', 'expired');
    return tag.status === 'Accepted' ? withTagInfo(tag, 'Accepted', 'accepted') : withTagInfo(tag, 'Invalid', 'unknown_status');
  };
}
