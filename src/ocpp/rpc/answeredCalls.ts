/**
 * What one connection remembers of the CALLs it received, so a CALL sent again (after a lost
 * reply) is answered once and never processed twice.
 *
 * Fixed arrays rather than a Map and a Set: these are written on every call of every charger,
 * and a Map set and deleted in turn keeps reallocating its table, garbage hung off long-lived
 * connection state that made GC pauses under Authorize load (docs/bench-log/2026-11.md).
 */

/** Calls a charger may have waiting at once; more would be a misbehaving peer, not a charger. */
const IN_FLIGHT_KEPT = 64;
/** Replies kept whole for a CALL the charger sends again (after a lost reply): the last few suffice. */
const ANSWERED_KEPT = 8;
/**
 * Older answered ids are remembered only as a fingerprint, 8 bytes each.
 * A charger sends its next CALL only once the last is answered or timed out (OCPP-J 1.6 §4.1.1),
 * so a repeat comes within a few calls; 128 calls are minutes to hours of a charger's traffic,
 * and more would weigh on the memory of every held connection.
 */
export const ANSWERED_IDS_KEPT = 128;

export function createAnsweredCalls() {
  // Usually empty or one id: a charger waits for each answer before its next CALL.
  const inFlight: string[] = [];
  const replyIds: (string | undefined)[] = new Array(ANSWERED_KEPT).fill(undefined);
  const replies: (string | undefined)[] = new Array(ANSWERED_KEPT).fill(undefined);
  let nextReply = 0;
  const answeredIds = createIdRing(ANSWERED_IDS_KEPT);

  return {
    /** Marks a CALL as being processed; false when the same id is already in flight. */
    started(id: string): boolean {
      if (inFlight.includes(id)) return false;
      if (inFlight.length >= IN_FLIGHT_KEPT) inFlight.shift();
      inFlight.push(id);
      return true;
    },
    /** Records the reply to a CALL in flight; a reply to anything else is not kept. */
    answered(id: string, reply: string): void {
      const at = inFlight.indexOf(id);
      if (at < 0) return;
      // Shifted by hand: splice would allocate the array of what it removed.
      for (let i = at; i < inFlight.length - 1; i++) inFlight[i] = inFlight[i + 1];
      inFlight.pop();
      answeredIds.add(id);
      replyIds[nextReply] = id;
      replies[nextReply] = reply;
      nextReply = (nextReply + 1) % ANSWERED_KEPT;
    },
    /** The reply already sent for this id, while it is kept. */
    replyTo(id: string): string | undefined {
      const at = replyIds.indexOf(id);
      return at < 0 ? undefined : replies[at];
    },
    /** Whether this id was answered within the last ANSWERED_IDS_KEPT calls. */
    wasAnswered: (id: string) => answeredIds.has(id),
  };
}

/**
 * A ring of 64-bit fingerprints of message ids (two 32-bit FNV-1a hashes with different seeds):
 * ids themselves would cost ten times the memory. A false match, about 1 in 2^54 per call, would
 * refuse one fresh CALL, which the charger sends again with a new id.
 */
export function createIdRing(size: number) {
  const slots = new Uint32Array(size * 2);
  let next = 0;
  let filled = 0;
  // Written by fingerprint(), read at once: no pair array per call.
  let a = 0;
  let b = 0;
  const fingerprint = (id: string): void => {
    a = 0x811c9dc5;
    b = 0x01000193 ^ id.length;
    for (let i = 0; i < id.length; i++) {
      const ch = id.charCodeAt(i);
      a = Math.imul(a ^ ch, 0x01000193);
      b = Math.imul(b ^ ch, 0x5bd1e995) ^ (b >>> 15);
    }
    a >>>= 0;
    b >>>= 0;
  };
  return {
    add(id: string): void {
      fingerprint(id);
      slots[next * 2] = a;
      slots[next * 2 + 1] = b;
      next = (next + 1) % size;
      filled = Math.min(size, filled + 1);
    },
    has(id: string): boolean {
      fingerprint(id);
      for (let i = 0; i < filled; i++) if (slots[i * 2] === a && slots[i * 2 + 1] === b) return true;
      return false;
    },
  };
}
