// Command line for the event receiver, for demos:
// `npx tsx simulators/receiver/cli.ts --port 7100 --secret S --scheme hmac-sha256`.

import { RECEIVER_DEFAULTS, SIGNATURE_SCHEMES, startReceiver } from './server.js';
import type { ReceivedDelivery, SignatureScheme } from './types.js';
import { cli, closeOnSignals, parseFlags, run } from '../cli-args.js';

const USAGE = `Usage: npx tsx simulators/receiver/cli.ts --secret <secret> [options]

  --port <n>               port to listen on (default 7100; 0 picks a free one)
  --host <address>         address to listen on (default 127.0.0.1)
  --secret <secret>        verifies signatures and answers ownership challenges;
                           whsec_<base64> for standard-webhooks (required)
  --scheme <scheme>        hmac-sha256 (default), standard-webhooks or none
  --basic <user:password>  require these Basic auth credentials
  --no-challenge           answer ownership challenges without x-verify-token
  --help                   print this text

Prints one line per delivery: time, status, event type, event id, verified.
`;

const args = cli('receiver', USAGE);

const OPTIONS = {
  port: { type: 'string', default: '7100' },
  host: { type: 'string', default: RECEIVER_DEFAULTS.host },
  secret: { type: 'string' },
  scheme: { type: 'string', default: 'hmac-sha256' },
  basic: { type: 'string' },
  'no-challenge': { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
} as const;

function parseBasic(value: string | undefined): { username: string; password: string } | undefined {
  if (value === undefined) return undefined;
  const colon = value.indexOf(':');
  if (colon <= 0) args.fail(`--basic must be user:password, got "${value}"`);
  return { username: value.slice(0, colon), password: value.slice(colon + 1) };
}

function describe(delivery: ReceivedDelivery, status: number): string {
  const time = new Date(delivery.at).toISOString().slice(11, 23);
  const type = delivery.headers['x-event'] ?? delivery.body?.type ?? '?';
  const id = delivery.headers['x-event-id'] ?? delivery.body?.id ?? '?';
  return `${time} ${status} ${String(type)} ${String(id)} ${delivery.verified ? 'verified' : 'unverified'}`;
}

async function main(): Promise<void> {
  const values = parseFlags(OPTIONS, USAGE, args);
  if (!values) return;
  const secret = values.secret || args.fail('--secret is required');
  const scheme = values.scheme as SignatureScheme;
  if (!SIGNATURE_SCHEMES.includes(scheme)) args.fail(`--scheme must be one of ${SIGNATURE_SCHEMES.join(', ')}, got "${values.scheme}"`);

  const receiver = await startReceiver({
    port: args.integer('port', values.port, 0, 65535),
    host: values.host,
    secret,
    scheme,
    basicAuth: parseBasic(values.basic),
    answerChallenge: !values['no-challenge'],
    onReceived: (delivery, status) => process.stdout.write(`${describe(delivery, status)}\n`),
  });
  process.stdout.write(`event receiver on ${receiver.url} (scheme ${scheme}${values.basic ? ', Basic auth' : ''})\n`);
  closeOnSignals(receiver);
}

run('receiver', main);
