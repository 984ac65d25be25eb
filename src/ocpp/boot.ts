import type { ChargerContext, OcppDeps } from './context.js';
import type { BootInfo, Registration } from '../store/chargers.js';
import { envelope } from '../notifications/record.js';

const STATUS: Record<Registration, 'Accepted' | 'Pending' | 'Rejected'> = { accepted: 'Accepted', pending: 'Pending', rejected: 'Rejected' };

/**
 * A BootNotification of either version: stored, answered as the charger's registration says (the
 * heartbeat interval when accepted, else the least wait before its next boot), and the
 * connection's state set from that answer. A charger removed meanwhile is Rejected.
 */
export async function answerBoot(deps: OcppDeps, ctx: ChargerContext, boot: Omit<BootInfo, 'details'>, params: Record<string, unknown>, logged: Record<string, unknown>) {
  const now = new Date().toISOString();
  const registration = await deps.store.transact(async (tx) => {
    const registration = (await tx.chargers.recordBoot(ctx.chargerId, { ...boot, details: params }, now)) ?? 'rejected';
    if (registration === 'accepted') tx.emit(envelope('charger.booted', ctx.installationId, ctx.chargerId, { ...boot, ocppVersion: ctx.ocppVersion }));
    return registration;
  });
  ctx.registration.answered(registration);
  ctx.log.info({ ...logged, registration }, 'charger booted');
  const interval = registration === 'accepted' ? deps.config.heartbeatIntervalSec : deps.config.bootRetryIntervalSec;
  return { status: STATUS[registration], currentTime: now, interval };
}
