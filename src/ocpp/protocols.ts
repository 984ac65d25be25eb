import type { Handler } from './context.js';
import { toOcpp16ErrorCode, toOcpp201ErrorCode } from './errors.js';
import { handlers as v16 } from './v16/index.js';
import { handlers as v201 } from './v201/index.js';
import type { ProtocolSpec } from './rpc/connection.js';
import { schemaValidator } from './rpc/validators.js';

export interface ProtocolTable extends ProtocolSpec {
  /** Every action a charger of this version may send us; anything else is answered NotImplemented. */
  handlers: Readonly<Record<string, Handler>>;
}

/**
 * The versions the gateway speaks, and only these are negotiated (src/ocpp/rpc/server.ts prefers
 * ocpp2.1, then ocpp2.0.1, then ocpp1.6). A 2.1 charger uses the 2.0.1 handlers with the 2.1 schemas.
 */
export const protocols: Readonly<Record<string, ProtocolTable>> = {
  'ocpp1.6': { handlers: v16, errors: toOcpp16ErrorCode, validator: schemaValidator('ocpp1.6') },
  'ocpp2.0.1': { handlers: v201, errors: toOcpp201ErrorCode, validator: schemaValidator('ocpp2.0.1') },
  'ocpp2.1': { handlers: v201, errors: toOcpp201ErrorCode, validator: schemaValidator('ocpp2.1') },
};

/** Every action name of every version, for the per-action metrics. */
export const allActions = [...new Set(Object.values(protocols).flatMap((p) => Object.keys(p.handlers)))];
