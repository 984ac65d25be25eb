import type { Decision } from '../../authorization/types.js';

/** OCPP 2.0.1 IdTokenInfoType, as far as a decision fills it. */
export interface IdTokenInfo {
  status: Decision['status'];
  cacheExpiryDateTime?: string;
  groupIdToken?: { idToken: string; type: string };
}

/** The 2.0.1 shape of a decision: a parent tag is a group token the gateway (the CSMS) assigned, hence type Central. */
export function toIdTokenInfo(d: Pick<Decision, 'status' | 'expiryDate' | 'parentIdTag'>): IdTokenInfo {
  const info: IdTokenInfo = { status: d.status };
  if (d.expiryDate) info.cacheExpiryDateTime = d.expiryDate;
  if (d.parentIdTag) info.groupIdToken = { idToken: d.parentIdTag, type: 'Central' };
  return info;
}
