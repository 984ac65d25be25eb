import type { Handler } from '../context.js';

/**
 * The reports a 2.0.1 charger sends after a command asked for them (CustomerInformation,
 * GetDisplayMessages, GetMonitoringReport): acknowledged, as the spec requires, and logged at debug
 * (customer data is personal: never at info). They are not stored (yet).
 */
const acknowledged =
  (action: string): Handler =>
  async (_deps, ctx, params) => {
    ctx.log.debug({ action, requestId: params.requestId, seqNo: params.seqNo, tbc: params.tbc ?? false }, `${action} acknowledged`);
    return {};
  };

export const notifyCustomerInformation = acknowledged('NotifyCustomerInformation');
export const notifyDisplayMessages = acknowledged('NotifyDisplayMessages');
export const notifyMonitoringReport = acknowledged('NotifyMonitoringReport');
