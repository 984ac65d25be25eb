import { registerReadings, type MeterValue } from './energy.js';
import type { MeterValueStore } from '../store/meterValues.js';
import type { Transaction } from '../store/transactions.js';

export type WithEnergyNow = Transaction & {
  /** While charging: the latest energy register reading minus meterStart (Wh); null when stopped or nothing read yet. */
  energyNowWh: number | null;
};

/** Adds energyNowWh to each transaction; only the ones still charging cost a (small) query. */
export async function energyNow(items: Transaction[], meterValues: Pick<MeterValueStore, 'latestForTransaction'>): Promise<WithEnergyNow[]> {
  return Promise.all(
    items.map(async (t) => {
      if (!t.active) return { ...t, energyNowWh: null };
      const rows = await meterValues.latestForTransaction(t.id);
      const latest = rows.map((r) => registerReadings([r as unknown as MeterValue]).at(-1)).find((wh) => wh !== undefined);
      return { ...t, energyNowWh: latest === undefined ? null : Math.max(0, latest - t.meterStart) };
    }),
  );
}
