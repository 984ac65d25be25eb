// The provider simulator: the operator the gateway calls for tokens and session webhooks.

export { startProvider } from './server.js';
export type {
  DenyStatus,
  Fault,
  FaultRule,
  FaultedRequest,
  Provider,
  ProviderOptions,
  ProviderPath,
  ReceivedEvent,
  Rules,
  TokenRequest,
  WebhookRequest,
} from './types.js';
// The event receiver is part of the provider simulator: the operator's side of event notifications.
export { signHmac, signStandardWebhooks, startReceiver, verifyToken } from '../receiver/index.js';
export type { ReceivedDelivery, ReceivedRequest, Receiver, ReceiverFaultRule, ReceiverOptions, SignatureScheme } from '../receiver/index.js';
