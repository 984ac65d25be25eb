import type { Handler } from '../context.js';

export const dataTransfer: Handler = async (deps, ctx, params) => {
  if (!deps.config.dataTransferVendorIds.includes(params.vendorId)) {
    ctx.log.info({ vendorId: params.vendorId, messageId: params.messageId }, 'DataTransfer from an unknown vendor');
    return { status: 'UnknownVendorId' };
  }
  ctx.log.info({ vendorId: params.vendorId, messageId: params.messageId }, 'DataTransfer');
  return { status: 'Accepted' };
};
