// Opt-in (BENCH_ALLOC_PROFILE=dir): a bench server child samples every allocation, the
// short-lived ones included (what makes scavenges), and writes dir/<pid>.heapprofile when it
// stops. Open it in Chrome DevTools' Memory tab, or sum it by function.
// BENCH_ALLOC_SURVIVORS=1 leaves out what died young: what is left is what scavenges copy and
// promote (what makes their pauses long), and what was allocated old to begin with.

import { writeFileSync, mkdirSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

const SAMPLING_INTERVAL_BYTES = 16 * 1024;

export async function startAllocProfile(dir = process.env.BENCH_ALLOC_PROFILE): Promise<(() => Promise<void>) | undefined> {
  if (!dir) return undefined;
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: SAMPLING_INTERVAL_BYTES,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: process.env.BENCH_ALLOC_SURVIVORS !== '1',
  });
  return async () => {
    const { profile } = await session.post('HeapProfiler.stopSampling');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${process.pid}.heapprofile`), JSON.stringify(profile));
    session.disconnect();
  };
}
