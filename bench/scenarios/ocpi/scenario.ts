// Scenario "ocpi": Authorize decided through OCPI against the native path, and the real-time
// call's own cost. The gateway and the mock eMSP each run in a child of their own, the chargers
// in this process. Two installations on one gateway: one decides from its own id tags (native),
// one through OCPI only. Paired rounds alternate three kinds of decision, each at 1,000/s and
// flat out: native tags; tokens the eMSP pushed with whitelist ALWAYS (the stored token
// decides, no call); tokens pushed ALLOWED_OFFLINE (a real-time call, then the decision cache).
// Then real-time rounds: tokens nobody pushed, each Authorize one call to the eMSP, against the
// eMSP alone from the load child at the same rate.

import { cpus } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SimCharger } from '../../../simulators/charger/charger.js';
import { statusOf } from '../../../simulators/charger/messages.js';
import type { EmspInfo } from '../../lib/emsp-fixture.js';
import { connectChargers } from '../../lib/fleet.js';
import { apiClient, startGatewayProcess } from '../../lib/gateway-process.js';
import { closedLoop, openLoop, type Fire } from '../../lib/load-patterns.js';
import { runLoadTask } from '../../lib/load-process.js';
import { pairedRounds, type PairedRound } from '../../lib/paired.js';
import { judge, logLines, measure, type Phase } from '../../lib/phase.js';
import type { ScenarioOptions } from '../../lib/scenario.js';
import type { ServerProcess } from '../../lib/server-process.js';
import { addIdTags, createInstallation, GATEWAY_PARTY, startRegisteredEmsp } from './setup.js';
import { DECISIONS, TARGETS, type Decision, type DecisionRound, type KindPhases, type OcpiResult } from './report.js';

const SATURATION_WINDOW = 256;
// Not recorded: warms the JIT, the caches and the eMSP connection pool before each timed phase.
const WARMUP = { rate: 500, ms: 1_000 };
const DRAIN_MS = 500;
/** Repeating tags per kind of decision, as a site's regular cards. */
const TAGS = 100;
const ROUNDS = 3;
const NATIVE_PREFIX = 'BENCH-NATIVE-';
const OCPI_PREFIX = 'BENCH-OCPI-';
/** The tags of each kind: native id tags, and the uids the eMSP pushes. */
const TAG_PREFIX: Record<Decision, string> = { native: 'N', always: 'A', cached: 'O' };

interface Running {
  gateway: ServerProcess;
  emsp: ServerProcess;
  native: SimCharger[];
  ocpi: SimCharger[];
  phaseMs: number;
  log: (line: string) => void;
}

export async function runOcpiScenario(opts: ScenarioOptions): Promise<OcpiResult> {
  const phaseMs = opts.quick ? 2_000 : 4_000;
  const rounds = opts.quick ? 1 : ROUNDS;
  const log = (line: string) => opts.log(`ocpi: ${line}`);
  const gateway = await startGatewayProcess(GATEWAY_PARTY, process.env.BENCH_PROFILE_DIR);
  try {
    log(`creating two installations of ${opts.chargers} chargers, ${TAGS} native id tags, the eMSP partner and ${2 * TAGS} pushed tokens`);
    const emsp = await setUp(gateway, opts.chargers);
    try {
      log(`connecting ${2 * opts.chargers} chargers`);
      const native = await connectChargers(gateway.info.ocppPort, opts.chargers, NATIVE_PREFIX);
      const ocpi = await connectChargers(gateway.info.ocppPort, opts.chargers, OCPI_PREFIX).catch(async (err) => {
        await native.close();
        throw err;
      });
      try {
        const g: Running = { gateway, emsp, native: native.chargers, ocpi: ocpi.chargers, phaseMs, log };
        const decisions = await decisionRounds(g, rounds);
        const realtime = await realtimeRounds(g, rounds);
        return { date: new Date().toISOString(), node: process.version, cpus: cpus().length, chargers: opts.chargers, tags: TAGS, phaseMs, decisions, realtime, gatewayLog: logLines(gateway) };
      } finally {
        await Promise.all([native.close(), ocpi.close()]);
      }
    } finally {
      await emsp.stop();
    }
  } finally {
    await gateway.stop();
  }
}

/** Both installations with their chargers, the native id tags, and the eMSP registered with its tokens pushed; returns the eMSP. */
async function setUp(gateway: ServerProcess, chargers: number): Promise<ServerProcess> {
  const api = apiClient(gateway.info.httpPort!);
  const tags = (kind: Decision) => Array.from({ length: TAGS }, (_, k) => `${TAG_PREFIX[kind]}${k}`);
  const nativeId = await createInstallation(api, { name: 'bench-native', source: 'native', chargers, idPrefix: NATIVE_PREFIX });
  await addIdTags(api, nativeId, tags('native'));
  await createInstallation(api, { name: 'bench-ocpi', source: 'ocpi', chargers, idPrefix: OCPI_PREFIX });
  const push = [...tags('always').map((uid) => ({ uid, whitelist: 'ALWAYS' as const })), ...tags('cached').map((uid) => ({ uid, whitelist: 'ALLOWED_OFFLINE' as const }))];
  return startRegisteredEmsp(api, { push, latencyMs: 0 });
}

/** Each round runs every kind at 1,000/s then flat out, in an order that reverses every round (ABC, CBA…). */
async function decisionRounds(g: Running, rounds: number): Promise<DecisionRound[]> {
  const out: DecisionRound[] = [];
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? DECISIONS : [...DECISIONS].reverse();
    const result: Partial<DecisionRound> = {};
    for (const kind of order) result[kind] = await decisionPhases(g, kind, `round ${round + 1} of ${rounds}`);
    out.push(result as DecisionRound);
  }
  return out;
}

async function decisionPhases(g: Running, kind: Decision, round: string): Promise<KindPhases> {
  const chargers = kind === 'native' ? g.native : g.ocpi;
  // Worker w of the closed loop fires i = w, w + window…: with window ≤ chargers no charger has two calls in flight.
  const fire: Fire = (i) => chargers[i % chargers.length].authorize(`${TAG_PREFIX[kind]}${i % TAGS}`).then(statusOf);
  await g.gateway.gc(); // the previous kind's garbage is not this kind's cost
  await openLoop(fire, WARMUP.rate, WARMUP.ms);
  await sleep(DRAIN_MS);
  g.log(`${kind}, ${round}: Authorize at ${TARGETS.atRate}/s for ${g.phaseMs} ms`);
  const atRate = await measure(procs(g), { rate: TARGETS.atRate }, 'Accepted', () => openLoop(fire, TARGETS.atRate, g.phaseMs));
  await sleep(DRAIN_MS);
  const window = Math.min(chargers.length, SATURATION_WINDOW);
  g.log(`${kind}, ${round}: Authorize flat out for ${g.phaseMs} ms, window ${window}`);
  const flatOut = await measure(procs(g), { window }, 'Accepted', () => closedLoop(fire, window, g.phaseMs));
  return { atRate, flatOut };
}

/**
 * Tokens nobody pushed (R1, R2…, each once), so every Authorize is one real-time call, and the
 * eMSP alone at the same rate, alternating (ABBA) so both meet the same minutes of the machine.
 */
async function realtimeRounds(g: Running, rounds: number): Promise<PairedRound<Phase>[]> {
  const rate = TARGETS.atRate;
  let seq = 0;
  const fire: Fire = (i) => g.ocpi[i % g.ocpi.length].authorize(`R${++seq}`).then(statusOf);
  const viaGateway = async (round: string) => {
    await openLoop(fire, WARMUP.rate, WARMUP.ms);
    await sleep(DRAIN_MS);
    g.log(`real-time, ${round}: gateway at ${rate}/s for ${g.phaseMs} ms`);
    return measure(procs(g), { rate }, 'Accepted', () => openLoop(fire, rate, g.phaseMs));
  };
  const { tokensUrl, loadToken } = g.emsp.info as EmspInfo;
  const alone = async (round: string): Promise<Phase> => {
    g.log(`real-time, ${round}: eMSP alone at ${rate}/s for ${g.phaseMs} ms`);
    const task = { kind: 'emsp-direct' as const, tokensUrl, token: loadToken, uid: 'ALONE', rates: [rate], phaseMs: g.phaseMs, warmup: WARMUP, providerPid: g.emsp.pid };
    const [phase] = await runLoadTask(task, 30_000 + 2 * (g.phaseMs + DRAIN_MS));
    return { ...phase, collapsed: judge(phase, 'ALLOWED', rate) };
  };
  return pairedRounds(rounds, (k) => alone(`round ${k + 1} of ${rounds}`), (k) => viaGateway(`round ${k + 1} of ${rounds}`));
}

/** The processes a phase reads the CPU of: the gateway and the eMSP it calls. */
function procs(g: Running): { gateway: ServerProcess; provider: ServerProcess } {
  return { gateway: g.gateway, provider: g.emsp };
}
