import type { ProfileCriteria } from '../../store/chargingProfiles.js';
import { isV16, type AnswerEffect, type AnsweredCommand } from './types.js';

/** An id names one profile and the other fields are then ignored (1.6 §6.9, 2.0.1 K10). */
function criteria({ ocppVersion, params: p }: AnsweredCommand): ProfileCriteria {
  if (isV16(ocppVersion)) {
    if (p.id !== undefined) return { profileId: p.id };
    return { connectorId: p.connectorId, purpose: p.chargingProfilePurpose, stackLevel: p.stackLevel };
  }
  if (p.chargingProfileId !== undefined) return { profileId: p.chargingProfileId };
  const c = p.chargingProfileCriteria ?? {};
  return { connectorId: c.evseId, purpose: c.chargingProfilePurpose, stackLevel: c.stackLevel };
}

/**
 * Accepted removes the matching profiles; so does Unknown, since the charger then holds none
 * that match and a stored one would show a limit that is not there.
 */
export const clearChargingProfile: AnswerEffect = {
  async record(tx, c) {
    if (c.result.status === 'Accepted' || c.result.status === 'Unknown') await tx.chargingProfiles.clear(c.chargerId, criteria(c));
  },
};
