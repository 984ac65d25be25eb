/** HeartbeatRequest and its response are the same in 2.0.1 as in 1.6. */
export { heartbeat } from '../v16/heartbeat.js';
