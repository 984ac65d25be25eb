import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { receiverPool, subscribe } from '../helpers/notifications.js';

const SCHED_OTHER = 0;
const SCHED_IDLE = 5;
const linux = process.platform === 'linux';
const hasChrt = linux && (() => {
  try {
    execFileSync('chrt', ['--help'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** This process's threads at nice +10, with their scheduling policy (/proc/self/task/<tid>/stat, fields 19 and 41). */
function niceThreads(): { tid: string; policy: number }[] {
  return readdirSync('/proc/self/task').flatMap((tid) => {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'latin1');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(fields[16]) === 10 ? [{ tid, policy: Number(fields[38]) }] : [];
    } catch {
      return [];
    }
  });
}

async function policyUnder(priority: 'idle' | 'low', t: { gw?: TestGateway }): Promise<number[]> {
  const pool = receiverPool();
  const gw = (t.gw = await startTestGateway('sqlite', { notificationPriority: priority }));
  const site = await gw.installation(['PRIO-1']);
  const r = await pool.start();
  await subscribe(gw, { installationId: site, url: r.url, events: ['connector.status_changed'] });
  const charger = gw.charger('PRIO-1');
  await charger.connect();
  await charger.call('StatusNotification', { connectorId: 1, status: 'Available', errorCode: 'NoError' });
  await r.waitFor(1);
  await charger.close();
  // chrt runs beside the thread once it has started: give it a moment.
  for (let i = 0; i < 50 && priority === 'idle' && !niceThreads().some((x) => x.policy === SCHED_IDLE); i++) await new Promise((ok) => setTimeout(ok, 100));
  await pool.closeAll();
  return niceThreads().map((x) => x.policy);
}

describe.runIf(linux)('delivery thread CPU priority', () => {
  const t: { gw?: TestGateway } = {};
  afterEach(async () => {
    await t.gw?.stop();
    t.gw = undefined;
  });

  it.runIf(hasChrt)('runs SCHED_IDLE by default, so deliveries take only the CPU chargers leave', async () => {
    expect(await policyUnder('idle', t)).toEqual([SCHED_IDLE]);
  });

  it('stays an ordinary thread at nice +10 with notificationPriority low', async () => {
    expect(await policyUnder('low', t)).toEqual([SCHED_OTHER]);
  });
});
