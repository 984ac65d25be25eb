import type { Logger } from '../log.js';
import type { Store } from '../store/index.js';
import { reservationEvent } from './envelopes.js';
import { createPeriodic } from '../periodic.js';

export interface ReservationExpiryDeps {
  store: Store;
  log: Logger;
  intervalMs: number;
}

/**
 * Ends reservations past their expiry with reservation.expired, as the charger does on its side
 * (1.6 sends nothing then). Each row is ended by one conditional update, so with several nodes one wins it.
 */
export function createReservationExpiry({ store, log, intervalMs }: ReservationExpiryDeps) {
  async function sweep(): Promise<number> {
    let ended = 0;
    for (const r of await store.reservations.due()) {
      const done = await store.transact(async (tx) => {
        const e = await tx.reservations.end(r.chargerId, r.reservationId, 'expired');
        if (e) tx.emit(reservationEvent('reservation.expired', e));
        return e;
      });
      if (done) ended++;
    }
    if (ended > 0) log.info({ ended }, 'reservations expired');
    return ended;
  }

  return { sweep, ...createPeriodic(sweep, intervalMs, (err) => log.error({ err }, 'reservation expiry sweep failed')) };
}
