import type { Handler } from '../context.js';
import { transactionEvent } from './transactionEvent.js';

/** Every action a 2.0.1 (or 2.1) charger may send us; anything else is answered NotImplemented (src/ocpp/rpc/inbound.ts). */
export const handlers: Record<string, Handler> = {
  TransactionEvent: transactionEvent,
};
