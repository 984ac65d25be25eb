// Paired rounds: the upstream alone and the gateway in front of it, alternating which goes
// first (ABBA), so the "gateway adds" figures compare phases that met the same minutes of the
// machine's neighbours.

/** One round: the upstream measured alone and the gateway at the same rate. */
export interface PairedRound<P> {
  alone: P;
  gateway: P;
}

export async function pairedRounds<P>(rounds: number, alone: (round: number) => Promise<P>, gateway: (round: number) => Promise<P>): Promise<PairedRound<P>[]> {
  const out: PairedRound<P>[] = [];
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0) {
      const a = await alone(round);
      out.push({ alone: a, gateway: await gateway(round) });
    } else {
      const gw = await gateway(round);
      out.push({ gateway: gw, alone: await alone(round) });
    }
  }
  return out;
}
