import type { Store } from '../store/index.js';
import type { Config } from '../config.js';
import type { AuditActor } from '../store/audit.js';
import type { SecretBox, SecretKeys } from '../secrets.js';
import type { Args, OptionSpec } from './args.js';
import { userInfo, hostname } from 'node:os';

/** What every command gets: the store of the configured database and somewhere to write. */
export interface CommandContext {
  store: Store;
  config: Config;
  /** The keys the store's secrets open with, and the file they came from (rotate-secret-key replaces it). */
  keys: SecretKeys;
  /** Seals and opens with those keys, as the store does. */
  box: SecretBox;
  /** A line of the result, on stdout. */
  print(line: string): void;
  /** A remark for the person, on stderr (never mixed with an export on stdout). */
  note(line: string): void;
  /** All of standard input (import -, --password-stdin). */
  readStdin(): Promise<string>;
}

export interface Command {
  usage: string;
  summary: string;
  options: OptionSpec;
  run(ctx: CommandContext, args: Args): Promise<void>;
}

/** Who the audit log names for what the CLI changes: the operator at the host's shell. */
export function operatorActor(): AuditActor {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    /* no passwd entry (a container's arbitrary uid) */
  }
  return { kind: 'operator', label: `npm run admin (${user}@${hostname()})` };
}
