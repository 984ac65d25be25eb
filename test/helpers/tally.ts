/** How many answers had each status, e.g. { 401: 5, 429: 45 }. */
export function tally(statuses: (number | { status: number })[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const s of statuses) {
    const status = typeof s === 'number' ? s : s.status;
    counts[status] = (counts[status] ?? 0) + 1;
  }
  return counts;
}
