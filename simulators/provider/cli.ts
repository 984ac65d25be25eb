// Command line for the provider simulator, for demos:
// `npm run provider -- --port 7000 --allow TAG1,TAG2 --deny BAD1:Blocked --fault start:status:503:2`.

import { PROVIDER_DEFAULTS, startProvider } from './server.js';
import type { DenyStatus, Fault, FaultRule, ReceivedEvent, Rules } from './types.js';
import { cli, closeOnSignals, parseFlags, run } from '../cli-args.js';

const USAGE = `Usage: npm run provider -- [options]

  --port <n>               port to listen on (default 7000; 0 picks a free one)
  --host <address>         address to listen on (default 127.0.0.1)
  --user <name:password>   accepted by the token endpoint and Basic auth; repeatable
                           (default gateway:secret-pass)
  --allow <tags>           comma-separated id tags allowed to charge; repeatable
  --deny <tag:status[:reason]>
                           comma-separated id tags refused with Blocked, Expired,
                           Invalid or ConcurrentTx; repeatable
  --pattern <regex:allow|regex:status>
                           id tags matching the regex (case-insensitive) are allowed,
                           or refused with Blocked, Expired, Invalid or ConcurrentTx;
                           tried in order after --allow/--deny, first match wins;
                           repeatable (the text after the last colon is the verdict)
  --default-allowed        allow id tags no rule mentions (default: refuse as Invalid)
  --expiry-date <iso>      expiryDate added to allowed replies
  --token-ttl <s>          expires_in of issued tokens (default 60)
  --latency <ms>           delay every answer by this long (default 0)
  --fault <path:mode[:arg][:times]>
                           misbehave on path start, end, token or * (all three):
                             status:<code>   answer with this HTTP status instead
                             latency:<ms>    answer normally, this much later
                             hang            read the request, never answer
                             close           read the request, drop the connection
                             malformed       200 with a body that is not JSON
                           times (optional) limits the fault to that many requests,
                           e.g. start:status:503:2, end:hang, *:latency:200;
                           repeatable, tried in the order given
  --help                   print this text
`;

const args = cli('provider', USAGE);

const OPTIONS = {
  port: { type: 'string', default: '7000' },
  host: { type: 'string', default: '127.0.0.1' },
  user: { type: 'string', multiple: true },
  allow: { type: 'string', multiple: true },
  deny: { type: 'string', multiple: true },
  pattern: { type: 'string', multiple: true },
  'default-allowed': { type: 'boolean', default: false },
  'expiry-date': { type: 'string' },
  'token-ttl': { type: 'string', default: '60' },
  latency: { type: 'string', default: '0' },
  fault: { type: 'string', multiple: true },
  help: { type: 'boolean', default: false },
} as const;

const DENY_STATUSES: readonly DenyStatus[] = ['Blocked', 'Expired', 'Invalid', 'ConcurrentTx'];

/** `--allow A,B --allow C` → ['A', 'B', 'C'] */
function list(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

function parseUsers(values: string[] | undefined): Record<string, string> | undefined {
  if (!values) return undefined;
  const users: Record<string, string> = {};
  for (const value of values) {
    const colon = value.indexOf(':');
    if (colon <= 0) args.fail(`--user must be name:password, got "${value}"`);
    users[value.slice(0, colon)] = value.slice(colon + 1);
  }
  return users;
}

function parseDeny(values: string[] | undefined): NonNullable<Rules['deny']> {
  return list(values).map((entry) => {
    const [idTag, status, ...reason] = entry.split(':');
    if (!idTag || !DENY_STATUSES.includes(status as DenyStatus)) {
      args.fail(`--deny must be tag:status with status one of ${DENY_STATUSES.join(', ')}, got "${entry}"`);
    }
    return reason.length ? { idTag, status: status as DenyStatus, reason: reason.join(':') } : { idTag, status: status as DenyStatus };
  });
}

/** `^VIP-:allow`, `^BAD-:Blocked`; split at the last colon, since a regex may contain one. */
function parsePatterns(values: string[] | undefined): NonNullable<Rules['patterns']> {
  return (values ?? []).map((entry) => {
    const colon = entry.lastIndexOf(':');
    const regex = entry.slice(0, colon);
    const verdict = entry.slice(colon + 1);
    if (colon <= 0 || (verdict !== 'allow' && !DENY_STATUSES.includes(verdict as DenyStatus))) {
      args.fail(`--pattern must be regex:allow or regex:status with status one of ${DENY_STATUSES.join(', ')}, got "${entry}"`);
    }
    try {
      new RegExp(regex);
    } catch (err) {
      args.fail(`--pattern "${regex}" is not a valid regex: ${(err as Error).message}`);
    }
    return verdict === 'allow' ? { regex, allowed: true } : { regex, allowed: false, status: verdict };
  });
}

const FAULT_PATHS: readonly FaultRule['path'][] = ['start', 'end', 'token', '*'];

/** `start:status:503:2` → status 503 on the next two session starts; `end:hang` → every session end hangs. */
function parseFault(entry: string): FaultRule {
  const [path, mode, ...rest] = entry.split(':');
  const bad = (why: string): never => args.fail(`--fault "${entry}": ${why}`);
  if (!FAULT_PATHS.includes(path as FaultRule['path'])) bad(`path must be one of ${FAULT_PATHS.join(', ')}`);
  let fault: Fault;
  if (mode === 'status') fault = { mode, status: args.integer('fault status', rest.shift() ?? '', 100, 599) };
  else if (mode === 'latency') fault = { mode, ms: args.integer('fault latency', rest.shift() ?? '', 0) };
  else if (mode === 'hang' || mode === 'close' || mode === 'malformed') fault = { mode };
  else return bad('mode must be status, latency, hang, close or malformed');
  if (rest.length > 1) bad('too many fields');
  const rule: FaultRule = { path: path as FaultRule['path'], fault };
  if (rest.length === 1) rule.times = args.integer('fault times', rest[0], 1);
  return rule;
}

function describe(event: ReceivedEvent): string {
  const time = new Date(event.at).toISOString().slice(11, 23);
  const body = event.body as Record<string, unknown> | undefined;
  const reply = event.reply as Record<string, unknown>;
  if (event.status !== 200) return `${time} ${event.path.padEnd(5)} → ${event.status} ${String(reply?.error ?? '')}`;
  switch (event.path) {
    case 'token':
      return `${time} token user=${String(body?.username)} → token issued`;
    case 'start':
      return `${time} start idTag=${String(body?.idTag)} → ${reply.allowed ? `allowed ${String(reply.sessionId)}` : `refused ${String(reply.status)}`}`;
    case 'end':
      return `${time} end   ${JSON.stringify(body).slice(0, 160)}`;
  }
}

async function main(): Promise<void> {
  const values = parseFlags(OPTIONS, USAGE, args);
  if (!values) return;
  const latency = args.integer('latency', values.latency, 0);
  const faults = (values.fault ?? []).map(parseFault);
  const users = parseUsers(values.user);
  const expiryDate = values['expiry-date'];
  if (expiryDate !== undefined && Number.isNaN(Date.parse(expiryDate))) args.fail(`--expiry-date must be an ISO date, got "${expiryDate}"`);

  const provider = await startProvider({
    port: args.integer('port', values.port, 0, 65535),
    host: values.host,
    users,
    tokenTtlSec: args.integer('token-ttl', values['token-ttl'], 1),
    rules: { allow: list(values.allow), deny: parseDeny(values.deny), patterns: parsePatterns(values.pattern), defaultAllowed: values['default-allowed'], expiryDate },
    onReceived: (event) => process.stdout.write(`${describe(event)}\n`),
  });
  for (const rule of faults) provider.injectFault(rule);
  // Last, so a --fault on a path is tried before the blanket delay.
  if (latency > 0) provider.injectFault({ path: '*', fault: { mode: 'latency', ms: latency } });

  process.stdout.write(
    `provider simulator on ${provider.url} (users: ${Object.keys(users ?? PROVIDER_DEFAULTS.users).join(', ')})\n` +
      `  token  ${provider.tokenUrl}\n` +
      `  start  ${provider.startUrl}\n` +
      `  end    ${provider.endUrl}\n` +
      (values.fault?.length ? `  faults ${values.fault.join(' ')}\n` : ''),
  );
  closeOnSignals(provider);
}

run('provider', main);
