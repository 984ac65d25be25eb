// `npm run bench`: authorize against the floor server and the gateway, each in
// its own child process, then a side-by-side table; the other scenarios
// (bench/scenarios/<name>/) run their own processes and tables. All end up in
// bench/results/latest.json.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startStallTrace } from './tools/stall-trace.js';
import { cpuProfileFlags, formatProfile, savedProfile, summariseProfile } from './tools/cpu-profile.js';
import { BENCH_ADMIN_TOKEN, GATEWAY_DATA_DIR_ENV, setUpGateway } from './lib/gateway-setup.js';
import { formatTable, type Outcome } from './scenarios/authorize/report.js';
import { runAuthorizeScenario, type Target } from './scenarios/authorize/scenario.js';
import { formatHttpClients, runHttpClientsScenario } from './scenarios/http-clients/scenario.js';
import { runNotificationsScenario } from './scenarios/notifications/scenario.js';
import { runWebhookScenario } from './scenarios/webhook/scenario.js';
import { formatClusterHold, runClusterHoldScenario } from './scenarios/cluster/hold.js';
import { formatCluster, runClusterScenario } from './scenarios/cluster/scenario.js';
import { formatNotifications } from './scenarios/notifications/report.js';
import { formatWebhook } from './scenarios/webhook/report.js';
import { formatOcpi } from './scenarios/ocpi/report.js';
import { runOcpiScenario } from './scenarios/ocpi/scenario.js';
import { startServerProcess, type ServerProcess } from './lib/server-process.js';
import { BENCH_DIR } from './lib/paths.js';
import { isOcppVersion, type OcppVersion } from '../simulators/charger/versions.js';

const USAGE = `Usage: npm run bench -- [--scenario <name|all>] [--chargers N] [--servers floor,gateway] [--rounds N] [--ocpp V] [--quick]

  --scenario   one of: ${['authorize', 'http-clients', 'webhook', 'ocpi', 'notifications', 'cluster', 'cluster-hold'].join(', ')},
               or all (default; all but cluster-hold, which holds 50,000 chargers for minutes)
  --chargers   simulated chargers (default 2000 for authorize and cluster, 500 for webhook,
               notifications and each of ocpi's two installations, 200 with --quick;
               50,000 for cluster-hold, 3,000 with --quick); above ~19,900 this process runs out of file descriptors and reports
               EMFILE (cluster-hold spreads its fleet over several processes)
  --servers    which servers authorize measures (default floor,gateway)
  --rounds     authorize's fixed-rate phases per server, alternating between the servers
               (default 5, 1 with --quick); the table gives the median round and each round
  --ocpp       the OCPP version of authorize's fleet: 1.6 (default), 2.0.1 or 2.1
  --quick      200 chargers and 2 s phases, for a smoke run
`;

const SCENARIOS = { authorize: runAuthorizeScenario } as const;
/** Fixed-rate rounds per server in the authorize scenario, unless --rounds says otherwise. */
const DEFAULT_ROUNDS = { full: 5, quick: 1 };
// Scenarios that start their own processes (provider, gateway, load child) and
// print their own table, each under its key in latest.json.
const STANDALONE = {
  'http-clients': standalone('httpClients', runHttpClientsScenario, formatHttpClients),
  webhook: standalone('webhook', runWebhookScenario, formatWebhook),
  ocpi: standalone('ocpi', runOcpiScenario, formatOcpi),
  notifications: standalone('notifications', runNotificationsScenario, formatNotifications),
  cluster: standalone('cluster', runClusterScenario, formatCluster),
  'cluster-hold': standalone('clusterHold', runClusterHoldScenario, formatClusterHold),
};
/** Too long for `all`: run by name. */
const BY_NAME_ONLY: ScenarioName[] = ['cluster-hold'];
/** Scenarios whose default fleet is not the webhook scenario's. */
const DEFAULT_CHARGERS: Partial<Record<ScenarioName, { full: number; quick: number }>> = {
  cluster: { full: 2_000, quick: 200 },
  'cluster-hold': { full: 50_000, quick: 3_000 },
};
type ScenarioName = keyof typeof SCENARIOS | keyof typeof STANDALONE;
type ServerName = 'floor' | 'gateway';

const ID_PREFIX = 'BENCH-';
const ID_TAG = 'BENCHTAG';
const RESULTS = new URL('./results/latest.json', BENCH_DIR);

function usageError(message: string): never {
  process.stderr.write(`bench: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function parseOptions() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        scenario: { type: 'string', default: 'all' },
        chargers: { type: 'string' },
        servers: { type: 'string', default: 'floor,gateway' },
        quick: { type: 'boolean', default: false },
        rounds: { type: 'string' },
        ocpp: { type: 'string', default: '1.6' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (err) {
    usageError((err as Error).message);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const all = [...Object.keys(SCENARIOS), ...Object.keys(STANDALONE)] as ScenarioName[];
  const scenarios = values.scenario === 'all' ? all.filter((s) => !BY_NAME_ONLY.includes(s)) : [values.scenario as ScenarioName];
  if (!scenarios.every((s) => all.includes(s))) usageError(`unknown scenario "${values.scenario}"`);
  const servers = values.servers.split(',').map((s) => s.trim()) as ServerName[];
  if (!servers.every((s) => s === 'floor' || s === 'gateway')) usageError(`--servers takes floor and/or gateway`);
  const chargers = values.chargers === undefined ? (values.quick ? 200 : 2000) : Number(values.chargers);
  if (!Number.isInteger(chargers) || chargers < 1) usageError(`--chargers must be a positive integer`);
  const webhookChargers = values.chargers === undefined ? (values.quick ? 200 : 500) : chargers;
  const standaloneChargers = (s: ScenarioName) => {
    const d = DEFAULT_CHARGERS[s];
    return values.chargers === undefined && d ? (values.quick ? d.quick : d.full) : webhookChargers;
  };
  const rounds = values.rounds === undefined ? (values.quick ? DEFAULT_ROUNDS.quick : DEFAULT_ROUNDS.full) : Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) usageError(`--rounds must be a positive integer`);
  if (!isOcppVersion(values.ocpp)) usageError(`--ocpp takes 1.6, 2.0.1 or 2.1`);
  return { scenarios, servers, chargers, standaloneChargers, quick: values.quick, rounds, ocpp: values.ocpp };
}

interface StandaloneOptions {
  chargers: number;
  quick: boolean;
  log: (line: string) => void;
}

function standalone<R>(key: string, run: (opts: StandaloneOptions) => Promise<R>, format: (result: R) => string) {
  return {
    key,
    run: async (opts: StandaloneOptions) => {
      const result = await run(opts);
      return { result, table: format(result) };
    },
  };
}

const log = (line: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);

/** Starts each server (the gateway with its chargers registered), then runs authorize on all at once. */
async function runAuthorize(names: ServerName[], opts: { chargers: number; quick: boolean; rounds: number; ocpp: OcppVersion }): Promise<Partial<Record<ServerName, Outcome>>> {
  const { chargers } = opts;
  const outcomes: Partial<Record<ServerName, Outcome>> = {};
  const servers: ServerProcess[] = [];
  const dataDirs: string[] = [];
  const targets: Target[] = [];
  try {
    for (const name of names) {
      try {
        const server = name === 'floor' ? await startServerProcess(name, './floor-child.ts') : await startSetUpGateway(chargers, dataDirs);
        servers.push(server);
        const { ocppPort } = server.info;
        targets.push({ server, url: `ws://127.0.0.1:${ocppPort}/ocpp`, idPrefix: ID_PREFIX, idTag: ID_TAG });
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        log(`${name}: ${message}`);
        outcomes[name] = { error: message };
      }
    }
    return { ...outcomes, ...(await runAuthorizeScenario(targets, { ...opts, log })) };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The gateway with its chargers registered through the REST API, then restarted on the same data,
 * so memory and the CPU profile measure chargers, not the setup's garbage.
 */
async function startSetUpGateway(chargers: number, dataDirs: string[]): Promise<ServerProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ocpp-bench-'));
  dataDirs.push(dataDir);
  const env = { [GATEWAY_DATA_DIR_ENV]: dataDir };
  const setup = await startServerProcess('gateway', './gateway-child.ts', env);
  try {
    log(`gateway: creating ${chargers} chargers through the REST API`);
    await setUpGateway({ httpPort: setup.info.httpPort!, adminToken: BENCH_ADMIN_TOKEN, chargers, idPrefix: ID_PREFIX, idTag: ID_TAG, perChargerTags: true });
  } finally {
    await setup.stop();
  }
  return startServerProcess('gateway', './gateway-child.ts', env, cpuProfileFlags(process.env.BENCH_PROFILE_DIR));
}

/** With BENCH_PROFILE_DIR, the gateway's CPU profile over each phase: connect + boot, Authorize and sessions flat out. */
function authorizeProfile(gateway: Outcome | undefined, ocpp: OcppVersion): string {
  const dir = process.env.BENCH_PROFILE_DIR;
  if (!dir || !gateway || 'error' in gateway) return '';
  const file = `bench/results/authorize-${ocpp}-gateway.cpuprofile`;
  const saveAs = new URL(`./results/authorize-${ocpp}-gateway.cpuprofile`, BENCH_DIR);
  savedProfile(dir, saveAs, gateway.saturationWindow);
  const phases: [string, { fromUs: number; toUs: number }][] = [
    [`connect + boot (OCPP ${ocpp})`, gateway.connectWindow],
    [`Authorize flat out (OCPP ${ocpp})`, gateway.saturationWindow],
    [`sessions flat out (OCPP ${ocpp})`, gateway.sessionsWindow],
  ];
  const tables = phases.map(([load, window]) => formatProfile({ ...summariseProfile(saveAs.pathname, window), file }, load).join('\n'));
  return `\n${tables.join('\n\n')}\n`;
}

async function main(): Promise<void> {
  startStallTrace();
  const { scenarios, servers, chargers, standaloneChargers, quick, rounds, ocpp } = parseOptions();
  const results: Record<string, Partial<Record<ServerName, Outcome>>> = {};
  const standalones: Record<string, unknown> = {};
  for (const scenario of scenarios) {
    if (scenario !== 'authorize') {
      const { key, run } = STANDALONE[scenario];
      try {
        const { result, table } = await run({ chargers: standaloneChargers(scenario), quick, log });
        standalones[key] = result;
        process.stdout.write(`\n${table}\n`);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        log(`${scenario}: ${message}`);
        standalones[key] = { error: message };
        process.stdout.write(`\nscenario ${scenario} failed: ${message.split('\n')[0]}\n`);
      }
      continue;
    }
    results[scenario] = await runAuthorize(servers, { chargers, quick, rounds, ocpp });
    process.stdout.write(`\nscenario ${scenario}, ${chargers} OCPP ${ocpp} chargers${quick ? ' (quick)' : ''}\n`);
    process.stdout.write(`${formatTable(results[scenario].floor, results[scenario].gateway)}\n`);
    process.stdout.write(authorizeProfile(results[scenario].gateway, ocpp));
  }
  mkdirSync(new URL('.', RESULTS), { recursive: true });
  // A run of some scenarios keeps the others' last figures; each part carries its own date.
  const previous = existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as Record<string, unknown>) : {};
  // Each version's authorize figures are kept apart: `authorize` is 1.6, `authorize-2.0.1` the others.
  const authorizeKey = ocpp === '1.6' ? 'authorize' : `authorize-${ocpp}`;
  const authorize = scenarios.includes('authorize')
    ? { [authorizeKey]: { date: new Date().toISOString(), node: process.version, cpus: cpus().length, chargers, quick, ocpp, results } }
    : {};
  const report = { ...previous, ...authorize, ...standalones };
  writeFileSync(RESULTS, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`\nwritten to bench/results/latest.json\n`);
}

// Explicit exit: stray call timers of a failed phase must not hold the run open.
main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`bench: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
