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

/** The id tags the gateway keeps per installation. An unknown tag is left to later sources. */
export function nativeAuthorizer({ findIdTag, now = () => new Date() }: NativeDeps): Authorizer {
  return async (req, current) => {
    const tag = await findIdTag(req.installationId, req.idTag);
    if (!tag) return { ...current, reason: 'unknown_id_tag' };
    if (tag.status === 'Blocked') return withTagInfo(tag, 'Blocked', 'blocked');
    if (tag.status === 'Expired') return withTagInfo(tag, 'Expired', 'expired');
    if (tag.expiryDate && Date.parse(tag.expiryDate) <= now().getTime()) return withTagInfo(tag, 'Expired', 'expired');
    return tag.status === 'Accepted' ? withTagInfo(tag, 'Accepted', 'accepted') : withTagInfo(tag, 'Invalid', 'unknown_status');
  };
}
