import type { Handler } from '../context.js';

/** The answer to GetChargingProfiles, in parts; the API caller sees the profiles the gateway set (GET /api/chargers/{id}/charging-profiles). */
export const reportChargingProfiles: Handler = async (_deps, ctx, params) => {
  const count = Array.isArray(params.chargingProfile) ? params.chargingProfile.length : 0;
  ctx.log.info({ requestId: params.requestId, evseId: params.evseId, source: params.chargingLimitSource, profiles: count, tbc: params.tbc ?? false }, 'charging profiles reported');
  return {};
};
