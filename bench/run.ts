// `npm run bench`: every scenario against the floor server and the gateway, each
// in its own child process, then a side-by-side table and bench/results/latest.json.

import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { BENCH_ADMIN_TOKEN, setUpGateway } from './gateway-setup.js';
import { formatTable, type Outcome } from './report.js';
import { runAuthorizeScenario, type Target } from './scenarios/authorize.js';
import { startServerProcess } from './server-process.js';

const USAGE = `Usage: npm run bench -- [--scenario <name|all>] [--chargers N] [--servers floor,gateway] [--quick]

  --scenario   one of: ${['authorize'].join(', ')}, or all (default)
  --chargers   simulated chargers (default 2000, 200 with --quick); above ~19,900 this
               process runs out of file descriptors and reports EMFILE
  --servers    which servers to measure (default floor,gateway)
  --quick      200 chargers and 2 s phases, for a smoke run
`;

const SCENARIOS = { authorize: runAuthorizeScenario } as const;
type ScenarioName = keyof typeof SCENARIOS;
type ServerName = 'floor' | 'gateway';

const ID_PREFIX = 'BENCH-';
const ID_TAG = 'BENCHTAG';
const RESULTS = new URL('./results/latest.json', import.meta.url);

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
  const scenarios = values.scenario === 'all' ? (Object.keys(SCENARIOS) as ScenarioName[]) : [values.scenario as ScenarioName];
  if (!scenarios.every((s) => s in SCENARIOS)) usageError(`unknown scenario "${values.scenario}"`);
  const servers = values.servers.split(',').map((s) => s.trim()) as ServerName[];
  if (!servers.every((s) => s === 'floor' || s === 'gateway')) usageError(`--servers takes floor and/or gateway`);
  const chargers = values.chargers === undefined ? (values.quick ? 200 : 2000) : Number(values.chargers);
  if (!Number.isInteger(chargers) || chargers < 1) usageError(`--chargers must be a positive integer`);
  return { scenarios, servers, chargers, quick: values.quick };
}

const log = (line: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);

async function runOn(name: ServerName, scenario: ScenarioName, chargers: number, quick: boolean): Promise<Outcome> {
  let server;
  try {
    server = await startServerProcess(name, name === 'floor' ? './floor-child.ts' : './gateway-child.ts');
  } catch (err) {
    log((err as Error).message);
    return { error: (err as Error).message };
  }
  try {
    const { ocppPort, httpPort } = server.info;
    if (name === 'gateway') {
      log(`gateway: creating ${chargers} chargers through the REST API`);
      await setUpGateway({ httpPort: httpPort!, adminToken: BENCH_ADMIN_TOKEN, chargers, idPrefix: ID_PREFIX, idTag: ID_TAG });
    }
    const target: Target = { server, url: `ws://127.0.0.1:${ocppPort}/ocpp`, idPrefix: ID_PREFIX, idTag: ID_TAG };
    return await SCENARIOS[scenario](target, { chargers, quick, log });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log(`${name}: ${message}`);
    return { error: message };
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  const { scenarios, servers, chargers, quick } = parseOptions();
  const results: Record<string, Partial<Record<ServerName, Outcome>>> = {};
  for (const scenario of scenarios) {
    results[scenario] = {};
    for (const name of servers) results[scenario][name] = await runOn(name, scenario, chargers, quick);
    process.stdout.write(`\nscenario ${scenario}, ${chargers} chargers${quick ? ' (quick)' : ''}\n`);
    process.stdout.write(`${formatTable(results[scenario].floor, results[scenario].gateway)}\n`);
  }
  mkdirSync(new URL('.', RESULTS), { recursive: true });
  const report = { date: new Date().toISOString(), node: process.version, cpus: cpus().length, chargers, quick, results };
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
