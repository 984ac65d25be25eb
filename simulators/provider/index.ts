// The provider simulator: the operator the gateway calls for tokens and session webhooks.

export { startProvider } from './server.js';
export type {
  DenyStatus,
  Fault,
  FaultRule,
  Provider,
  ProviderOptions,
  ProviderPath,
  ReceivedEvent,
  Rules,
  TokenRequest,
  WebhookRequest,
} from './types.js';
