import { Router } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { parseQuery } from '../validate.js';
import { visibleInstallations } from '../scope.js';
import { energyNow } from '../../ocpp/transactionEnergy.js';
import { minuteOf } from '../../store/decisionCounts.js';
import type { Subscription } from '../../store/subscriptions.js';

const HOUR = 3600_000;
/** Active sessions whose energy so far is read for "energy today"; beyond this the figure leaves them out. */
const ACTIVE_MAX = 1000;

export const dashboardQuery = z.strictObject({
  dayStart: z.iso
    .datetime({ offset: true, error: 'must be an RFC 3339 date-time with a time zone, e.g. 2026-12-07T00:00:00+01:00' })
    .transform((t) => new Date(t).toISOString())
    .optional()
    .meta({ description: "Where \"today\" starts: the portal sends the owner's local midnight; default midnight UTC" }),
});

/** One installation on the dashboard, as GET /api/dashboard lists it. */
export interface DashboardItem {
  id: string;
  name: string;
  chargers: { online: number; offline: number };
  sessions: { now: number; today: number };
  energyTodayWh: number;
  /** By decision source (native, webhook, cache, offline, default). */
  decisionsLastHour: Record<string, number>;
  failingSubscriptions: { id: string; label: string; state: string; reason: string | null; failures: number }[];
}

/** A subscription that is not delivering: queued behind a failing endpoint, unproven, or switched off by a 410. */
const failing = (s: Subscription) => s.state !== 'active';

/** Sums `rows` into a map by installation. */
function byInstallation(rows: { installationId: string; n: number }[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of rows) out.set(r.installationId, (out.get(r.installationId) ?? 0) + r.n);
  return out;
}

/** GET /api/dashboard: per installation the caller may see, what a site owner checks first. */
export function dashboardRoutes(deps: ApiDeps): Router {
  const router = Router();
  const { store } = deps;

  router.get('/dashboard', async (req, res) => {
    const now = new Date();
    const dayStart = parseQuery(dashboardQuery, req.query).dayStart ?? `${now.toISOString().slice(0, 10)}T00:00:00.000Z`;
    const visible = visibleInstallations(req);
    const within = visible && [...visible];
    const installations = (await store.installations.list()).filter((i) => !visible || visible.has(i.id));
    const [chargers, charging, today, stopped, active, decisions, subscriptions] = await Promise.all([
      store.dashboard.chargers(within),
      store.dashboard.activeSessions(within),
      store.dashboard.sessionsSince(dayStart, within),
      store.dashboard.energyStoppedSince(dayStart, within),
      store.transactions.list({ active: true, within, limit: ACTIVE_MAX, offset: 0 }).then((t) => energyNow(t, store.meterValues)),
      store.decisionCounts.since(minuteOf(new Date(now.getTime() - HOUR)), within),
      store.subscriptions.list(),
    ]);
    const online = byInstallation(chargers.filter((c) => c.online));
    const offline = byInstallation(chargers.filter((c) => !c.online));
    const sessionsNow = byInstallation(charging);
    const sessionsToday = byInstallation(today);
    const energy = byInstallation([...stopped, ...active.map((t) => ({ installationId: t.installationId, n: t.energyNowWh ?? 0 }))]);
    res.json({
      at: now.toISOString(),
      dayStart,
      items: installations.map((i): DashboardItem => ({
        id: i.id,
        name: i.name,
        chargers: { online: online.get(i.id) ?? 0, offline: offline.get(i.id) ?? 0 },
        sessions: { now: sessionsNow.get(i.id) ?? 0, today: sessionsToday.get(i.id) ?? 0 },
        energyTodayWh: energy.get(i.id) ?? 0,
        decisionsLastHour: Object.fromEntries(decisions.filter((d) => d.installationId === i.id).map((d) => [d.source, d.count])),
        failingSubscriptions: subscriptions
          .filter((s) => s.installationId === i.id && failing(s))
          .map((s) => ({ id: s.id, label: s.label, state: s.state, reason: s.stateReason, failures: s.failures })),
      })),
    });
  });

  return router;
}
