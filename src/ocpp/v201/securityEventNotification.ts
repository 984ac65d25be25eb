import { canonicalTime, type Handler } from '../context.js';
import { envelope } from '../../notifications/record.js';

/** Kept for the site owner (GET /api/chargers/:id/security-events) and published as charger.security_event. */
export const securityEventNotification: Handler = async (deps, ctx, params) => {
  const event = { type: params.type as string, timestamp: canonicalTime(params.timestamp), techInfo: (params.techInfo as string | undefined) ?? null };
  await deps.store.transact(async (tx) => {
    await tx.securityEvents.record(ctx.chargerId, event);
    tx.emit(envelope('charger.security_event', ctx.installationId, ctx.chargerId, { ...event, ocppVersion: ctx.ocppVersion }));
  });
  ctx.log.warn({ type: event.type, techInfo: event.techInfo }, 'security event');
  return {};
};
