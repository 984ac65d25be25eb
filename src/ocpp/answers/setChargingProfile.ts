import { isV16, type AnswerEffect } from './types.js';

/** An accepted SetChargingProfile is kept as the charger now holds it (1.6 csChargingProfiles, 2.0.1 chargingProfile). */
export const setChargingProfile: AnswerEffect = {
  async record(tx, { chargerId, ocppVersion, params, result }) {
    if (result.status !== 'Accepted') return;
    const v16 = isV16(ocppVersion);
    const profile = v16 ? params.csChargingProfiles : params.chargingProfile;
    await tx.chargingProfiles.put(chargerId, {
      profileId: v16 ? profile.chargingProfileId : profile.id,
      connectorId: v16 ? params.connectorId : params.evseId,
      stackLevel: profile.stackLevel,
      purpose: profile.chargingProfilePurpose,
      profile,
    });
  },
};
