/** 1.6 security whitepaper GetLog's report, as in 2.0.1: the diagnostics status, with its requestId. */
export { logStatusNotification } from '../v201/logStatusNotification.js';
