// Child process entry for outbound HTTP load (see load-process.ts): runs one
// task against the provider and sends the result back. Its own process, so
// process.cpuUsage() here is the client's cost alone.

import { setTimeout as sleep } from 'node:timers/promises';
import { closedLoop, openLoop, type Fire } from './load-patterns.js';
import type { ClientRun, DirectPhase, DirectPhases, FromChild, LoadTask, ToChild } from './load-process.js';
import { createOutboundClient, type ClientName } from './outbound-clients.js';
import { cpuMeter } from './proc-cpu.js';
import { replyStatus, sessionStartBody, WEBHOOK_HEADERS } from './provider-fixture.js';
import { locationReferences, OCPI_HEADERS, ocpiAuthorization } from './emsp-fixture.js';
import { authorizeUrl } from '../../src/ocpi/realtime.js';

// Lets the previous phase's tail drain before the next is timed.
const DRAIN_MS = 500;

async function runClient(task: Extract<LoadTask, { kind: 'client' }>): Promise<ClientRun> {
  const { fire, close } = clientFire(task.client, task.url);
  try {
    await closedLoop(fire, task.concurrency, task.warmupMs); // JIT and sockets warm, not measured
    const provider = cpuMeter(task.providerPid);
    const cpuAtStart = process.cpuUsage();
    const run = await closedLoop(fire, task.concurrency, task.durationMs);
    const cpu = process.cpuUsage(cpuAtStart);
    const providerCpuPct = provider.pct();
    return { ...run, cpuUsPerRequest: round1((cpu.user + cpu.system) / run.latencyMs.count), providerCpuPct };
  } finally {
    await close();
  }
}

// Every fire serialises a fresh body and parses a reply, so the baseline
// ("none") and the clients do the same JSON work and differ only by the call.
function clientFire(name: ClientName | 'none', url: string): { fire: Fire; close(): Promise<void> } {
  if (name === 'none') {
    return {
      fire: async (i) => (JSON.parse(JSON.stringify(sessionStartBody(i))) as { type: string }).type,
      close: async () => {},
    };
  }
  const client = createOutboundClient(name, url, WEBHOOK_HEADERS);
  return {
    fire: async (i) => {
      const reply = await client.post(JSON.stringify(sessionStartBody(i)));
      return replyStatus(reply.status, reply.text);
    },
    close: () => client.close(),
  };
}

/** The webhook provider's session start, as the gateway posts it. */
function providerFire(url: string): { fire: Fire; close(): Promise<void> } {
  const client = createOutboundClient('undici', url, WEBHOOK_HEADERS);
  return {
    fire: async (i) => {
      const reply = await client.post(JSON.stringify(sessionStartBody(i)));
      return replyStatus(reply.status, reply.text);
    },
    close: () => client.close(),
  };
}

/** An eMSP's real-time authorization, as the gateway asks it (src/ocpi/realtime.ts); the status is the answer's `allowed`. */
function emspFire(task: Extract<LoadTask, { kind: 'emsp-direct' }>): { fire: Fire; close(): Promise<void> } {
  const url = authorizeUrl(task.tokensUrl, task.uid, 'RFID');
  const client = createOutboundClient('undici', url, { ...OCPI_HEADERS, authorization: ocpiAuthorization(task.token) });
  return {
    fire: async (i) => {
      const reply = await client.post(JSON.stringify(locationReferences(i)));
      return reply.status === 200 ? String((JSON.parse(reply.text) as { data?: { allowed?: unknown } }).data?.allowed) : `HTTP ${reply.status}`;
    },
    close: () => client.close(),
  };
}

async function runDirect(task: DirectPhases, { fire, close }: { fire: Fire; close(): Promise<void> }): Promise<DirectPhase[]> {
  const phases: DirectPhase[] = [];
  try {
    await openLoop(fire, task.warmup.rate, task.warmup.ms);
    for (const rate of task.rates) {
      await sleep(DRAIN_MS);
      const provider = cpuMeter(task.providerPid);
      const run = await openLoop(fire, rate, task.phaseMs);
      phases.push({ rate, ...run, providerCpuPct: provider.pct() });
    }
    if (task.window === undefined) return phases;
    await sleep(DRAIN_MS);
    const provider = cpuMeter(task.providerPid);
    const run = await closedLoop(fire, task.window, task.phaseMs);
    phases.push({ window: task.window, ...run, providerCpuPct: provider.pct() });
    return phases;
  } finally {
    await close();
  }
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

// Only as a forked child: without an IPC channel there is nobody to report to.
if (process.send) {
  const send = (m: FromChild) => process.send!(m, undefined, {}, () => process.exit(0));
  process.on('disconnect', () => process.exit(0)); // a parent gone must not leave load running
  process.once('message', (m: ToChild) => {
    const { task } = m;
    const run = task.kind === 'client' ? runClient(task) : runDirect(task, task.kind === 'emsp-direct' ? emspFire(task) : providerFire(task.url));
    run.then(
      (result) => send({ type: 'done', result }),
      (err: unknown) => send({ type: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
    );
  });
}
