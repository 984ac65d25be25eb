import type { RPCClient } from 'ocpp-rpc';

/** A charger's connection as ocpp-rpc's server hands it to us. */
export type ChargerClient = RPCClient & {
  readonly session: Record<string, any>;
  readonly handshake: { remoteAddress: string | undefined; identity: string; endpoint: string };
};
