import { idTagKey } from '../store/idTags.js';
import { startsSession, type Guard } from './types.js';

/** Who a reservation holding a connector is for. */
export interface HeldFor {
  idTag: string;
  parentIdTag: string | null;
}

export interface ReservationGuardDeps {
  /** The reservation holding this connector (1.6 connector, 2.0.1 EVSE) now, if any. */
  heldFor(chargerId: string, connectorId: number): Promise<HeldFor | undefined>;
}

/** The reason a start on a connector reserved for someone else is refused with. */
export const RESERVED_FOR_ANOTHER = 'reserved_for_another';

const same = (a: string | null | undefined, b: string | null | undefined) => !!a && !!b && idTagKey(a) === idTagKey(b);

/**
 * A reserved connector serves only the reserved id tag, or one with the reservation's parent
 * (OCPP 1.6 §5.13, 2.0.1 H01.FR.09): any other start there is Invalid, whatever the chain decided.
 */
export function reservationGuard({ heldFor }: ReservationGuardDeps): Guard {
  return async (req, decision) => {
    if (!startsSession(req.trigger) || !req.connectorId) return decision;
    const held = await heldFor(req.chargerId, req.connectorId);
    if (!held || same(held.idTag, req.idTag) || same(held.parentIdTag, decision.parentIdTag)) return decision;
    return { ...decision, status: 'Invalid', reason: RESERVED_FOR_ANOTHER, final: true };
  };
}
