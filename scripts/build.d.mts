import type { Target } from './freshness.d.mts';

/** What `npm start` builds, each with the command that builds it. */
export const TARGETS: (Target & { command: string[] })[];
