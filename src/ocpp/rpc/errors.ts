/** A CALLERROR as data: what a handler throws to answer with one, and what a charger's CALLERROR becomes. */
export class RpcError extends Error {
  constructor(
    readonly rpcErrorCode: string,
    message: string,
    readonly details: unknown = {},
  ) {
    super(message);
  }
}

/** The charger did not answer our CALL within its deadline. */
export class CallTimeoutError extends Error {
  override name = 'TimeoutError';
}

/** The codes the transport uses (OCPP-J 2.0.1 spelling) as one version's chargers know them. */
export type ErrorTable = (code: string) => string;

/** Any error carrying an OCPP-J error code: ours, or a schema validator's. */
export function isRpcError(err: unknown): err is { rpcErrorCode: string; message: string; details?: unknown } {
  return typeof err === 'object' && err !== null && typeof (err as { rpcErrorCode?: unknown }).rpcErrorCode === 'string';
}
