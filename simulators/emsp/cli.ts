// Command line for the mock eMSP, for demos and the README walk-through:
// `npm run emsp -- --port 7100 --answer CARD1:ALLOWED --answer BAD:BLOCKED --latency 50`.

import { startEmsp, type Answer } from './server.js';
import { cli, closeOnSignals, parseFlags, run } from '../cli-args.js';

const USAGE = `Usage: npm run emsp -- [options]

  --port <n>               port to listen on (default 7100; 0 picks a free one)
  --host <address>         address to listen on (default 127.0.0.1)
  --country <cc>           our OCPI country code (default NL)
  --party <id>             our OCPI party id (default TNM)
  --answer <uid:answer>    real-time authorization answer for a token uid: ALLOWED, BLOCKED,
                           EXPIRED, NO_CREDIT, NOT_ALLOWED, UNKNOWN (404 + 2004), HANG, or
                           fail:<http status>; repeatable
  --default <answer>       answer for uids no --answer names (default UNKNOWN)
  --latency <ms>           delay every authorize answer by this long (default 0)
  --register <url:token>   register with a CPO from its versions URL and the token A it gave
                           (we are the credentials Sender); the URL is everything before the
                           last colon
  --push <uid:whitelist>   after registering, push a token (RFID) with this whitelist:
                           ALWAYS, ALLOWED, ALLOWED_OFFLINE or NEVER; repeatable
  --help                   print this text

Without --register it prints a token A: give it to the gateway with
POST /api/ocpi/partners { versionsUrl, tokenA, countryCode, partyId }.
`;

const args = cli('emsp', USAGE);

const OPTIONS = {
  port: { type: 'string', default: '7100' },
  host: { type: 'string', default: '127.0.0.1' },
  country: { type: 'string', default: 'NL' },
  party: { type: 'string', default: 'TNM' },
  answer: { type: 'string', multiple: true },
  default: { type: 'string', default: 'UNKNOWN' },
  latency: { type: 'string', default: '0' },
  register: { type: 'string' },
  push: { type: 'string', multiple: true },
  help: { type: 'boolean', default: false },
} as const;

const ANSWERS = ['ALLOWED', 'BLOCKED', 'EXPIRED', 'NO_CREDIT', 'NOT_ALLOWED', 'UNKNOWN', 'HANG'];
const WHITELISTS = ['ALWAYS', 'ALLOWED', 'ALLOWED_OFFLINE', 'NEVER'];

function parseAnswer(text: string): Answer {
  if (ANSWERS.includes(text)) return text as Answer;
  const fail = /^fail:(\d{3})$/.exec(text);
  if (fail) return { fail: Number(fail[1]) };
  return args.fail(`an answer must be one of ${ANSWERS.join(', ')} or fail:<status>, got "${text}"`);
}

/** `uid:value`, split at the last colon (a uid has none, a URL has several). */
function pair(flag: string, entry: string): [string, string] {
  const colon = entry.lastIndexOf(':');
  if (colon <= 0) args.fail(`--${flag} must be a:b, got "${entry}"`);
  return [entry.slice(0, colon), entry.slice(colon + 1)];
}

async function main(): Promise<void> {
  const values = parseFlags(OPTIONS, USAGE, args);
  if (!values) return;
  const emsp = await startEmsp({
    port: args.integer('port', values.port, 0, 65535),
    host: values.host,
    countryCode: values.country,
    partyId: values.party,
    defaultAnswer: parseAnswer(values.default),
    latencyMs: args.integer('latency', values.latency, 0),
    onReceived: (r) => process.stdout.write(`${new Date(r.at).toISOString().slice(11, 23)} ${r.method.padEnd(6)} ${r.path} → ${r.status}${r.body === undefined ? '' : ` ${JSON.stringify(r.body).slice(0, 200)}`}\n`),
  });
  for (const entry of values.answer ?? []) {
    const [uid, answer] = pair('answer', entry);
    emsp.answer(uid, parseAnswer(answer));
  }
  closeOnSignals(emsp);
  process.stdout.write(`mock eMSP ${values.country}/${values.party}: versions at ${emsp.versionsUrl}\n`);
  if (!values.register) {
    process.stdout.write(`token A: ${emsp.issueTokenA()}\n`);
    return;
  }
  const [versionsUrl, tokenA] = pair('register', values.register);
  const answer = await emsp.registerWith(versionsUrl, tokenA);
  if (answer.body?.status_code !== 1000) throw new Error(`registration refused: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
  process.stdout.write('registered with the CPO\n');
  for (const entry of values.push ?? []) {
    const [uid, whitelist] = pair('push', entry);
    if (!WHITELISTS.includes(whitelist)) args.fail(`--push whitelist must be one of ${WHITELISTS.join(', ')}, got "${whitelist}"`);
    const pushed = await emsp.pushToken({ uid, whitelist });
    process.stdout.write(`pushed ${uid} (${whitelist}): OCPI status ${String(pushed.body?.status_code)}\n`);
  }
}

run('emsp', main);
