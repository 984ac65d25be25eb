import type { Decision } from '../authorization/types.js';

/** OCPP 1.6 AuthorizationStatus: the 2.0.1 refusals it lacks read as Invalid there. */
export type IdTagStatus = 'Accepted' | 'Blocked' | 'Expired' | 'Invalid' | 'ConcurrentTx';

const IN_16: Record<Decision['status'], IdTagStatus> = {
  Accepted: 'Accepted',
  Blocked: 'Blocked',
  Expired: 'Expired',
  Invalid: 'Invalid',
  ConcurrentTx: 'ConcurrentTx',
  NoCredit: 'Invalid',
  NotAtThisLocation: 'Invalid',
};

export interface IdTagInfo {
  status: IdTagStatus;
  expiryDate?: string;
  parentIdTag?: string;
}

/** The OCPP shape of a decision. */
export function toIdTagInfo(d: Pick<Decision, 'status' | 'expiryDate' | 'parentIdTag'>): IdTagInfo {
  const info: IdTagInfo = { status: IN_16[d.status] };
  if (d.expiryDate) info.expiryDate = d.expiryDate;
  if (d.parentIdTag) info.parentIdTag = d.parentIdTag;
  return info;
}
