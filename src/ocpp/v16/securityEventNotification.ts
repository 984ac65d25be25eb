/** The 1.6 security whitepaper's message is 2.0.1's, field for field: one handler and one store for both. */
export { securityEventNotification } from '../v201/securityEventNotification.js';
