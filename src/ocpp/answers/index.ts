import type { RemoteCommand } from '../commands.js';
import { cancelReservation } from './cancelReservation.js';
import { clearChargingProfile } from './clearChargingProfile.js';
import { reserveNow } from './reserveNow.js';
import { setChargingProfile } from './setChargingProfile.js';
import type { AnswerEffect } from './types.js';

export type { AnswerEffect, AnsweredCommand } from './types.js';

/** The commands whose answer the gateway keeps something of; the others are only audited. Same action name in 1.6 and 2.0.1. */
export const answerEffects: Partial<Record<RemoteCommand, AnswerEffect>> = {
  ReserveNow: reserveNow,
  CancelReservation: cancelReservation,
  SetChargingProfile: setChargingProfile,
  ClearChargingProfile: clearChargingProfile,
};
