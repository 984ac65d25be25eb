import { canonicalTime } from '../context.js';
import { reservationEvent } from '../envelopes.js';
import { isV16, type AnswerEffect } from './types.js';

/** An accepted ReserveNow becomes a reservation (1.6 connectorId, 2.0.1 evseId; absent or 0: any). */
export const reserveNow: AnswerEffect = {
  async record(tx, { chargerId, installationId, ocppVersion, params: p, result }) {
    if (result.status !== 'Accepted') return;
    const v16 = isV16(ocppVersion);
    const r = await tx.reservations.reserve({
      chargerId,
      installationId,
      ocppVersion,
      reservationId: v16 ? p.reservationId : p.id,
      connectorId: (v16 ? p.connectorId : p.evseId) ?? 0,
      idTag: v16 ? p.idTag : p.idToken.idToken,
      parentIdTag: (v16 ? p.parentIdTag : p.groupIdToken?.idToken) ?? null,
      idTokenType: v16 ? null : p.idToken.type,
      expiryDate: canonicalTime(v16 ? p.expiryDate : p.expiryDateTime),
    });
    tx.emit(reservationEvent('reservation.created', r));
  },
};
