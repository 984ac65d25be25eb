import type { Request } from 'express';
import type { ApiDeps } from '../deps.js';
import { notFound } from '../errors.js';
import type { Installation } from '../../store/installations.js';
import type { Charger } from '../../store/chargers.js';
import { isPlausiblePathId } from './fields.js';
import { checkInstallation, type Need } from '../scope.js';
import type { Unit } from '../../store/index.js';
import { auditEntry } from '../audit.js';

/** The installation a nested route works under, or 404 before anything else happens (also when the caller may not act on it). */
export async function requireInstallation(deps: ApiDeps, req: Request, id: string, need: Need = 'service'): Promise<Installation> {
  const installation = isPlausiblePathId(id) ? await deps.store.installations.get(id) : undefined;
  return checkInstallation(req, installation, need);
}

/**
 * With `installationId`, a charger of another installation is as absent as a missing one; so
 * is a charger of an installation the caller may not act on.
 */
export async function requireCharger(deps: ApiDeps, req: Request, id: string, installationId?: string): Promise<Charger> {
  const charger = isPlausiblePathId(id) ? await deps.store.chargers.get(id) : undefined;
  if (!charger || (installationId !== undefined && charger.installationId !== installationId)) throw notFound('Charger');
  if (installationId === undefined) checkInstallation(req, await deps.store.installations.get(charger.installationId), 'service', 'Charger');
  return charger;
}

/**
 * A charger held by this node is online iff this process holds its socket: the store's `online`
 * flag is written asynchronously after connect and close, so it lags. For a charger another
 * node holds (several nodes on one PostgreSQL), the store is the truth: that node writes it,
 * and a dead node's chargers are swept offline.
 */
export function chargerView(deps: ApiDeps, charger: Charger): Charger {
  const { nodeId } = deps.config;
  if (deps.registry.get(charger.id)) return { ...charger, online: true, nodeId };
  const elsewhere = charger.online && charger.nodeId !== null && charger.nodeId !== nodeId;
  return { ...charger, online: elsewhere, nodeId: elsewhere ? charger.nodeId : null };
}

/** A removed charger must not keep talking: its next frame would write rows for a charger that is gone. */
export function disconnect(deps: ApiDeps, chargerId: string, reason: string): void {
  void deps.registry.get(chargerId)?.close({ code: 1000, reason });
}

/** Writes one of a charger's settings and audits it as `action`, with what it was and what it became. */
export async function changeChargerSetting<K extends keyof Charger>(
  deps: ApiDeps,
  req: Request,
  charger: Charger,
  setting: { key: K; to: Charger[K]; action: string; write(tx: Unit): Promise<unknown> },
): Promise<void> {
  await deps.store.transact(async (tx) => {
    await setting.write(tx);
    await tx.audit(auditEntry(req, {
      installationId: charger.installationId,
      action: setting.action,
      target: charger.id,
      changes: { [setting.key]: { from: charger[setting.key], to: setting.to } },
    }));
  });
}
