/** One thing `npm start` builds: from what, into what, and where it notes what it was built from. */
export interface Target {
  name: string;
  inputs: string[];
  skip?: (path: string) => boolean;
  /** Files the build makes; one missing means build. */
  outputs: string[];
  /** Holds the newest input time the last good build started from. */
  stamp: string;
}

export function newestChange(root: string, inputs: string[], skip?: (path: string) => boolean): number;
export function staleness(root: string, target: Target): { reason?: string; newest: number };
