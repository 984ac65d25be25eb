import type { Handler } from './context.js';
import { toOcpp16ErrorCode } from './errors.js';
import { handlers as v16 } from './v16/index.js';
import type { ProtocolSpec } from './rpc/connection.js';
import { schemaValidator } from './rpc/validators.js';

export interface ProtocolTable extends ProtocolSpec {
  /** Every action a charger of this version may send us; anything else is answered NotImplemented. */
  handlers: Readonly<Record<string, Handler>>;
}

/** The versions the gateway speaks: adding one (ocpp2.0.1, ocpp2.1) is an entry here, and only these are negotiated. */
export const protocols: Readonly<Record<string, ProtocolTable>> = {
  'ocpp1.6': { handlers: v16, errors: toOcpp16ErrorCode, validator: schemaValidator('ocpp1.6') },
  // TEMPORARY (v201-cmd): lets a 2.0.1/2.1 charger connect for the remote-command tests; v201-core's entries replace these.
  'ocpp2.0.1': { handlers: {}, errors: (c) => c, validator: schemaValidator('ocpp2.0.1') },
  'ocpp2.1': { handlers: {}, errors: (c) => c, validator: schemaValidator('ocpp2.1') },
};

/** Every action name of every version, for the per-action metrics. */
export const allActions = [...new Set(Object.values(protocols).flatMap((p) => Object.keys(p.handlers)))];
