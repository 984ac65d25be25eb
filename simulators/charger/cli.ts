// Command line for the charger fleet: `npm run sim -- --url ... --count 100`.

import { runFleet, type Fleet } from './fleet.js';
import { Stats } from './stats.js';
import { isOcppVersion, parseVersionMix, type VersionShare } from './versions.js';
import { cli, parseFlags } from '../cli-args.js';

const USAGE = `Usage: npm run sim -- [options]

  --url <ws-url>          central system base URL (default ws://127.0.0.1:9000/ocpp)
  --count <n>             number of chargers (default 1)
  --id-prefix <text>      charger ids are <prefix><n>, n from 1 (default SIM-)
  --id-tag <tag>          idTag presented in sessions (required with --sessions); the idToken in 2.0.1
  --ocpp <version>        OCPP version every charger speaks: 1.6, 2.0.1 or 2.1 (default 1.6)
  --ocpp-mix <shares>     a mixed fleet, e.g. 1.6:50,2.0.1:50 (percent, adding up to 100);
                          consecutive ids share a version, in the order given
  --sessions <n>          charging sessions per charger (default 0)
  --rate <n>              new connections per second (default 500)
  --meter-interval <ms>   time between MeterValues in a session (default 1000)
  --meter-samples <n>     MeterValues per session (default 3)
  --local-address <list>  comma-separated source addresses (default: 127.0.0.x when count > 20000)
  --heartbeat             send Heartbeat at the interval the central system asks for
  --keep-open             stay connected, printing stats every 10 s, until Ctrl-C
  --help                  print this text
`;

const args = cli('sim', USAGE);

const OPTIONS = {
  url: { type: 'string', default: 'ws://127.0.0.1:9000/ocpp' },
  count: { type: 'string', default: '1' },
  'id-prefix': { type: 'string', default: 'SIM-' },
  'id-tag': { type: 'string' },
  ocpp: { type: 'string' },
  'ocpp-mix': { type: 'string' },
  sessions: { type: 'string', default: '0' },
  rate: { type: 'string', default: '500' },
  'meter-interval': { type: 'string', default: '1000' },
  'meter-samples': { type: 'string', default: '3' },
  'local-address': { type: 'string' },
  heartbeat: { type: 'boolean', default: false },
  'keep-open': { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
} as const;

async function main(): Promise<void> {
  const values = parseFlags(OPTIONS, USAGE, args);
  if (!values) return;
  if (!/^wss?:\/\//.test(values.url)) args.fail(`--url must start with ws:// or wss://, got "${values.url}"`);
  const sessions = args.integer('sessions', values.sessions, 0);
  if (sessions > 0 && !values['id-tag']) args.fail('--id-tag is required when --sessions > 0');

  const versions = versionShares(values.ocpp, values['ocpp-mix']);

  const stats = new Stats();
  const fleet = await runFleet({
    url: values.url,
    count: args.integer('count', values.count, 1),
    idPrefix: values['id-prefix'],
    idTag: values['id-tag'],
    sessions,
    connectRate: args.integer('rate', values.rate, 1),
    meterIntervalMs: args.integer('meter-interval', values['meter-interval'], 0),
    meterSamples: args.integer('meter-samples', values['meter-samples'], 0),
    localAddresses: values['local-address']?.split(',').map((a) => a.trim()).filter(Boolean),
    heartbeat: values.heartbeat,
    versions,
    stats,
  });
  report(fleet);

  if (!values['keep-open']) {
    await fleet.close();
    return;
  }
  const timer = setInterval(() => report(fleet), 10_000);
  process.once('SIGINT', () => {
    clearInterval(timer);
    process.stdout.write('\nclosing...\n');
    void fleet.close().then(() => {
      report(fleet);
      process.exit(0);
    });
  });
}

function versionShares(ocpp: string | undefined, mix: string | undefined): VersionShare[] {
  if (ocpp !== undefined && mix !== undefined) args.fail('--ocpp and --ocpp-mix exclude each other');
  if (mix !== undefined) {
    try {
      return parseVersionMix(mix);
    } catch (err) {
      return args.fail(`--ocpp-mix: ${(err as Error).message}`);
    }
  }
  const version = ocpp ?? '1.6';
  if (!isOcppVersion(version)) return args.fail(`--ocpp must be 1.6, 2.0.1 or 2.1, got "${version}"`);
  return [{ version, percent: 100 }];
}

function report(fleet: Fleet): void {
  const open = fleet.chargers.filter((c) => c.isOpen);
  const byVersion = new Map<string, number>();
  for (const c of open) byVersion.set(c.ocppVersion, (byVersion.get(c.ocppVersion) ?? 0) + 1);
  process.stdout.write(
    `\n[${new Date().toISOString()}] ${open.length} open, ${fleet.failed} failed, ` +
      `${fleet.sessionErrors} session errors, connect+boot ${(fleet.connectMs / 1000).toFixed(1)} s\n` +
      `open by OCPP version: ${[...byVersion].map(([v, n]) => `${v}=${n}`).join(' ') || '-'}\n` +
      `${fleet.stats.format()}\n`,
  );
}

main().then(
  () => {
    // Lingering timers of calls that already failed must not keep a finished run alive.
    if (!process.argv.includes('--keep-open')) process.exit(0);
  },
  (err) => {
    process.stderr.write(`sim: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
