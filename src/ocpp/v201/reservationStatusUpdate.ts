import type { Handler } from '../context.js';
import { reservationEvent } from '../envelopes.js';

/** The station ended a reservation on its own (H03, H04): Expired, or Removed (its EVSE became unavailable, say). */
export const reservationStatusUpdate: Handler = async (deps, ctx, params) => {
  const status = params.reservationUpdateStatus === 'Expired' ? 'expired' : 'cancelled';
  const ended = await deps.store.transact(async (tx) => {
    const r = await tx.reservations.end(ctx.chargerId, params.reservationId, status);
    if (r) tx.emit(reservationEvent(status === 'expired' ? 'reservation.expired' : 'reservation.cancelled', r));
    return r;
  });
  ctx.log.info({ reservationId: params.reservationId, status: params.reservationUpdateStatus, known: !!ended }, 'reservation status update');
  return {};
};
