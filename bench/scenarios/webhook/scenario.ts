// Scenario "webhook": Authorize through the gateway's webhook path. The
// provider simulator and the gateway each run in a child of their own, the
// chargers in this process. Four parts: the provider alone, posted to from the
// load child at the same rates (so the gateway's own share can be read off);
// the gateway with no decision cache, where every Authorize is one provider
// call; with the cache and 100 repeating tags, where nearly every Authorize is
// a hit; and the provider down with the breaker open.

import { cpus } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ConfigOverrides } from '../../../src/config.js';
import type { SimCharger } from '../../../simulators/charger/charger.js';
import { statusOf } from '../../../simulators/charger/messages.js';
import { connectChargers } from '../../lib/fleet.js';
import { closedLoop, openLoop, type Fire } from '../../lib/load-patterns.js';
import { runLoadTask } from '../../lib/load-process.js';
import { pairedRounds } from '../../lib/paired.js';
import { judge, logLines, markQueueing, measure, type Phase } from '../../lib/phase.js';
import type { ProviderInfo } from '../../lib/provider-fixture.js';
import { startServerProcess, type ServerProcess } from '../../lib/server-process.js';
import { apiClient, startGatewayProcess } from '../../lib/gateway-process.js';
import { createWebhookInstallation } from './setup.js';
import { TARGETS, type BreakerPart, type GatewayPart, type PairedRound, type WebhookResult } from './report.js';

export interface WebhookOptions {
  chargers: number;
  quick: boolean;
  log: (line: string) => void;
}

const RATES = [1_000, 2_000, 4_000];
const SATURATION_WINDOW = 256;
// Not recorded: fills the provider connection pool and warms the JIT before the first timed rate.
const WARMUP = { rate: 500, ms: 1_000 };
const DRAIN_MS = 500;
const CACHED_TAGS = 100;
const BREAKER_OPENERS = 20;
const BREAKER_RATE = 1_000;
/** Rounds of the latency targets' phases (provider alone against the gateway at 1,000/s; breaker open). */
const ROUNDS = 3;
const ID_PREFIX = 'BENCH-WEBHOOK-';

export async function runWebhookScenario(opts: WebhookOptions): Promise<WebhookResult> {
  const phaseMs = opts.quick ? 2_000 : 4_000;
  const provider = await startServerProcess('provider', './provider-child.ts');
  try {
    const { startUrl } = provider.info as ProviderInfo;
    opts.log(`webhook: provider alone from the load child, ${RATES.join(', ')}/s and flat out, ${phaseMs} ms each`);
    const task = { kind: 'provider-direct', url: startUrl, rates: RATES, window: SATURATION_WINDOW, phaseMs, warmup: WARMUP, providerPid: provider.pid } as const;
    const direct = await runLoadTask(task, 30_000 + (RATES.length + 1) * (phaseMs + DRAIN_MS) * 2);
    const providerAlone = markQueueing(direct.map((p) => ({ ...p, collapsed: judge(p, 'allowed', p.rate) })));

    const gateway = { provider, startUrl, chargers: opts.chargers, log: opts.log };
    const rounds = opts.quick ? 1 : ROUNDS;
    let seq = 0; // every Authorize of the no-cache part gets a tag of its own, so none is merged with another in flight
    let paired: PairedRound[] = [];
    const noCache = await onGateway({ ...gateway, name: 'no cache', overrides: { decisionCacheTtlSec: 0 } }, async (g) => {
      const part = await runPhases(g, () => `W${++seq}`, phaseMs, `distinct (W1, W2…)`);
      paired = await providerAndGateway(g, () => `W${++seq}`, startUrl, phaseMs, rounds);
      return part;
    });
    let breakerOpen: BreakerPart | undefined;
    const cached = await onGateway({ ...gateway, name: 'cache', overrides: {} }, async (g) => {
      const part = await runPhases(g, (i) => `C${i % CACHED_TAGS}`, phaseMs, `${CACHED_TAGS} repeating (C0…C${CACHED_TAGS - 1})`);
      breakerOpen = await runBreakerOpen(g, phaseMs * 0.75, rounds);
      return part;
    });
    return {
      date: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      chargers: opts.chargers,
      phaseMs,
      providerAlone,
      noCache,
      paired,
      cached,
      breakerOpen: breakerOpen!,
    };
  } finally {
    await provider.stop();
  }
}

interface OnGateway {
  name: string;
  overrides: ConfigOverrides;
  provider: ServerProcess;
  startUrl: string;
  chargers: number;
  log: (line: string) => void;
}

interface Connected {
  gateway: ServerProcess;
  provider: ServerProcess;
  chargers: SimCharger[];
  log: (line: string) => void;
}

/** A gateway child with the webhook installation and its chargers connected, for the length of `use`. */
async function onGateway<T>(setup: OnGateway, use: (g: Connected) => Promise<T>): Promise<T> {
  const log = (line: string) => setup.log(`webhook, gateway ${setup.name}: ${line}`);
  // BENCH_PROFILE_DIR=dir writes each gateway child's CPU profile there (node --cpu-prof).
  const gateway = await startGatewayProcess(setup.overrides, process.env.BENCH_PROFILE_DIR);
  try {
    log(`creating the webhook installation and ${setup.chargers} chargers through the REST API`);
    const api = apiClient(gateway.info.httpPort!);
    await createWebhookInstallation(api, { sessionStartUrl: setup.startUrl, chargers: setup.chargers, idPrefix: ID_PREFIX });
    log(`connecting ${setup.chargers} chargers`);
    const fleet = await connectChargers(gateway.info.ocppPort, setup.chargers, ID_PREFIX);
    try {
      return await use({ gateway, provider: setup.provider, chargers: fleet.chargers, log });
    } finally {
      await fleet.close();
    }
  } finally {
    await gateway.stop();
  }
}

/** Warm-up, each fixed rate (open loop), then flat out (closed loop); every reply should be Accepted. */
async function runPhases(g: Connected, tag: (i: number) => string, phaseMs: number, tags: string): Promise<GatewayPart> {
  const { chargers } = g;
  // Worker w of the closed loop fires i = w, w + window…: with window ≤ chargers no charger has two calls in flight.
  const fire: Fire = (i) => chargers[i % chargers.length].authorize(tag(i)).then(statusOf);
  await openLoop(fire, WARMUP.rate, WARMUP.ms);
  const phases: Phase[] = [];
  for (const rate of RATES) {
    await sleep(DRAIN_MS);
    g.log(`Authorize at ${rate}/s for ${phaseMs} ms`);
    phases.push(await measure(g, { rate }, 'Accepted', () => openLoop(fire, rate, phaseMs)));
  }
  await sleep(DRAIN_MS);
  const window = Math.min(chargers.length, SATURATION_WINDOW);
  g.log(`Authorize flat out for ${phaseMs} ms, window ${window}`);
  phases.push(await measure(g, { window }, 'Accepted', () => closedLoop(fire, window, phaseMs)));
  return { tags, held: chargers.length, phases: markQueueing(phases), gatewayLog: logLines(g.gateway) };
}

/**
 * The gateway (no cache) and the provider alone at the target rate, alternating (ABBA), so the
 * "gateway adds" figures compare phases that met the same minutes of the machine's neighbours.
 */
async function providerAndGateway(g: Connected, tag: () => string, startUrl: string, phaseMs: number, rounds: number): Promise<PairedRound[]> {
  const rate = TARGETS.atRate;
  const fire: Fire = (i) => g.chargers[i % g.chargers.length].authorize(tag()).then(statusOf);
  const viaGateway = async () => {
    await openLoop(fire, WARMUP.rate, WARMUP.ms);
    await sleep(DRAIN_MS);
    g.log(`paired: gateway at ${rate}/s for ${phaseMs} ms`);
    return measure(g, { rate }, 'Accepted', () => openLoop(fire, rate, phaseMs));
  };
  const alone = async () => {
    g.log(`paired: provider alone at ${rate}/s for ${phaseMs} ms`);
    const task = { kind: 'provider-direct' as const, url: startUrl, rates: [rate], phaseMs, warmup: WARMUP, providerPid: g.provider.pid };
    const [phase] = await runLoadTask(task, 30_000 + 2 * (phaseMs + DRAIN_MS));
    return { ...phase, collapsed: judge(phase, 'allowed', rate) };
  };
  return pairedRounds(rounds, alone, viaGateway);
}

/** Stops the provider, opens the breaker with a few calls, then times Authorize while it stays open, `rounds` times. */
async function runBreakerOpen(g: Connected, phaseMs: number, rounds: number): Promise<BreakerPart> {
  const { chargers } = g;
  g.log('stopping the provider');
  await g.provider.stop();
  const openers: Record<string, number> = {};
  for (let k = 0; k < BREAKER_OPENERS; k++) {
    const status = await chargers[k % chargers.length].authorize(`D${k}`).then(statusOf, () => 'error');
    openers[status] = (openers[status] ?? 0) + 1;
  }
  let next = BREAKER_OPENERS;
  const fire: Fire = () => chargers[next % chargers.length].authorize(`D${next++}`).then(statusOf);
  const phases: Phase[] = [];
  for (let round = 0; round < rounds; round++) {
    await sleep(DRAIN_MS); // as before every timed phase: the previous phase's garbage is not the breaker's
    g.log(`breaker open: Authorize at ${BREAKER_RATE}/s for ${phaseMs} ms (round ${round + 1} of ${rounds})`);
    phases.push(await measure(g, { rate: BREAKER_RATE }, 'Invalid', () => openLoop(fire, BREAKER_RATE, phaseMs)));
  }
  // Each call that reached for the provider logs one warning; an open breaker lets only the first few through.
  const unreachableLogged = logLines(g.gateway).filter((line) => line.includes('provider unreachable')).length;
  return { openers, phases, allInvalid: openers.Invalid === BREAKER_OPENERS && phases.every((p) => !p.collapsed), unreachableLogged };
}
