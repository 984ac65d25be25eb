import type { Handler } from '../context.js';

/** Answered and logged at debug; monitoring events are not stored (yet). */
export const notifyEvent: Handler = async (_deps, ctx, params) => {
  const events = (params.eventData as { eventId: number; trigger: string; component: { name: string }; variable: { name: string }; actualValue: string }[]).map(
    (e) => ({ eventId: e.eventId, trigger: e.trigger, component: e.component.name, variable: e.variable.name, actualValue: e.actualValue }),
  );
  ctx.log.debug({ seqNo: params.seqNo, tbc: params.tbc ?? false, events }, 'NotifyEvent');
  return {};
};
