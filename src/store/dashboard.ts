import type { Db } from './db.js';

type Counted = { installationId: string; n: number };

/** Installations each count belongs to; `within` undefined: every installation. */
function scoped<Q extends { where: (...a: any[]) => Q }>(q: Q, within: string[] | undefined): Q {
  return within ? q.where('installation_id', 'in', within) : q;
}

const counted = (rows: { installation_id: string; n: unknown }[]): Counted[] => rows.map((r) => ({ installationId: r.installation_id, n: Number(r.n) }));

/** The dashboard's counts, one grouped query each, per installation. */
export function dashboardStore(db: Db) {
  return {
    async chargers(within?: string[]) {
      const rows = await scoped(db.selectFrom('chargers').select((eb) => ['installation_id', 'online', eb.fn.countAll<number>().as('n')]), within)
        .groupBy(['installation_id', 'online'])
        .execute();
      return rows.map((r) => ({ installationId: r.installation_id, online: r.online === 1, n: Number(r.n) }));
    },

    /** Sessions charging now. */
    async activeSessions(within?: string[]): Promise<Counted[]> {
      const q = db.selectFrom('transactions').select((eb) => ['installation_id', eb.fn.countAll<number>().as('n')]).where('active', '=', 1);
      return counted(await scoped(q, within).groupBy('installation_id').execute());
    },

    /** Sessions started since `from`. */
    async sessionsSince(from: string, within?: string[]): Promise<Counted[]> {
      const q = db.selectFrom('transactions').select((eb) => ['installation_id', eb.fn.countAll<number>().as('n')]).where('start_time', '>=', from);
      return counted(await scoped(q, within).groupBy('installation_id').execute());
    },

    /** Energy (Wh) of sessions that stopped since `from`. */
    async energyStoppedSince(from: string, within?: string[]): Promise<Counted[]> {
      const q = db
        .selectFrom('transactions')
        .select((eb) => ['installation_id', eb.fn.coalesce(eb.fn.sum<number>('energy_wh'), eb.lit(0)).as('n')])
        .where('active', '=', 0)
        .where('stop_time', '>=', from);
      return counted(await scoped(q, within).groupBy('installation_id').execute());
    },
  };
}

export type DashboardStore = ReturnType<typeof dashboardStore>;
