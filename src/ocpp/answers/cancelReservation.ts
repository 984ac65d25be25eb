import { reservationEvent } from '../envelopes.js';
import type { AnswerEffect } from './types.js';

/** An accepted CancelReservation ends the reservation (same field in 1.6 and 2.0.1). */
export const cancelReservation: AnswerEffect = {
  async record(tx, { chargerId, params, result }) {
    if (result.status !== 'Accepted') return;
    const ended = await tx.reservations.end(chargerId, params.reservationId, 'cancelled');
    if (ended) tx.emit(reservationEvent('reservation.cancelled', ended));
  },
};
