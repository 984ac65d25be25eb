/** A mistake in how the command was called: the message names the argument; exit code 2. */
export class UsageError extends Error {}

/** A command's named thing does not exist or is taken (a user, a token, an installation); exit code 3. */
export class NotFoundError extends Error {}

export interface Args {
  positional: string[];
  options: Map<string, string[]>;
}

/** Options each command accepts: name → whether it takes a value. */
export type OptionSpec = Record<string, 'value' | 'flag'>;

/** `--name value`, `--name=value` and `--flag`; anything else is positional. Unknown options are usage errors. */
export function parseArgs(argv: string[], spec: OptionSpec): Args {
  const positional: string[] = [];
  const options = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
    const kind = spec[name];
    if (!kind) throw new UsageError(`unknown option --${name}`);
    let value = 'true';
    if (kind === 'value') {
      value = inline ?? argv[++i];
      if (value === undefined || (inline === undefined && value.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
    }
    options.set(name, [...(options.get(name) ?? []), value]);
  }
  return { positional, options };
}

/** The one positional argument a command needs, named in the error when it is missing. */
export function required(args: Args, index: number, name: string): string {
  const value = args.positional[index];
  if (value === undefined || value === '') throw new UsageError(`missing argument <${name}>`);
  return value;
}

export const option = (args: Args, name: string): string | undefined => args.options.get(name)?.at(-1);
export const flag = (args: Args, name: string): boolean => args.options.has(name);
