import type { Decision } from '../authorization/types.js';

export interface IdTagInfo {
  status: Decision['status'];
  expiryDate?: string;
  parentIdTag?: string;
}

/** The OCPP shape of a decision. */
export function toIdTagInfo(d: Pick<Decision, 'status' | 'expiryDate' | 'parentIdTag'>): IdTagInfo {
  const info: IdTagInfo = { status: d.status };
  if (d.expiryDate) info.expiryDate = d.expiryDate;
  if (d.parentIdTag) info.parentIdTag = d.parentIdTag;
  return info;
}
