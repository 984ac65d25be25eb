// The event receiver: what a billing or payment system runs to take the gateway's signed event notifications.

export { startReceiver } from './server.js';
export { signHmac, signStandardWebhooks, verifyToken } from './signing.js';
export type { Fault, ReceivedDelivery, ReceivedRequest, Receiver, ReceiverFaultRule, ReceiverOptions, SignatureScheme } from './types.js';
