// The charger simulator's command line (npm run sim) against the real gateway: it runs its
// sessions, exits 0 and prints a summary; the gateway stored what it acknowledged. Its OCPP
// version flags run against a tiny in-test central system that checks every frame's schema.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startTinyCsms, type TinyCsms } from './tiny-csms.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Runs the CLI without blocking this process: the gateway it talks to runs in here. */
function runSim(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'simulators/charger/cli.ts', ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `replies: Authorize:Accepted=2 MeterValues:OK=4` → { 'Authorize:Accepted': 2, 'MeterValues:OK': 4 } */
function counts(summary: string, label: string): Record<string, number> {
  const line = summary.split('\n').find((l) => l.startsWith(`${label}: `));
  if (!line) throw new Error(`no "${label}:" line in:\n${summary}`);
  const pairs = line.slice(label.length + 2).split(' ').filter((p) => p.includes('='));
  return Object.fromEntries(pairs.map((p) => [p.split('=')[0], Number(p.split('=')[1])]));
}

describe('charger simulator CLI', { timeout: 60_000 }, () => {
  let t: TestGateway;
  beforeAll(async () => {
    // Both chargers present the same tag at once, as `npm run sim` does.
    t = await startTestGateway('sqlite', { rejectConcurrentTx: false });
    await t.installation(['CLI-1', 'CLI-2'], [{ idTag: 'CLI-TAG' }]);
  });
  afterAll(() => t?.stop());

  it('runs a session per charger, exits 0 and prints replies by status', async () => {
    const args = ['--url', t.ocppUrl, '--count', '2', '--id-prefix', 'CLI-', '--sessions', '1', '--id-tag', 'CLI-TAG'];
    const run = await runSim([...args, '--meter-interval', '10', '--meter-samples', '2']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('2 open, 0 failed, 0 session errors');
    const replies = counts(run.stdout, 'replies');
    expect(replies).toMatchObject({
      'BootNotification:Accepted': 2,
      'Authorize:Accepted': 2,
      'StartTransaction:Accepted': 2,
      'MeterValues:OK': 4,
      'StopTransaction:Accepted': 2,
    });
    expect(replies['StatusNotification:OK']).toBeGreaterThan(0);
    expect(Object.keys(replies).filter((k) => !k.endsWith(':Accepted') && !k.endsWith(':OK'))).toEqual([]);
    expect(run.stdout).toMatch(/CALLERRORs: -\n/);
    expect(run.stdout).toMatch(/timeouts: -\n/);
    expect(run.stdout).toMatch(/latency \(ms\): n=\d+ p50=/);

    for (const chargerId of ['CLI-1', 'CLI-2']) {
      const res = await t.api('GET', `/api/transactions?chargerId=${chargerId}`);
      expect(res.body.items).toHaveLength(1);
      expect(res.body.items[0]).toMatchObject({ idTag: 'CLI-TAG', active: false, authorization: { status: 'Accepted' }, stop: { reason: 'Local' } });
      expect(res.body.items[0].energyWh).toBeGreaterThan(0);
    }
  });

  it('exits 2 and names the flag when a value is wrong', async () => {
    const run = await runSim(['--url', t.ocppUrl, '--sessions', '1']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--id-tag is required when --sessions > 0');
  });
});

describe('charger simulator CLI: OCPP versions', { timeout: 60_000 }, () => {
  let csms: TinyCsms;
  beforeAll(async () => {
    csms = await startTinyCsms();
  });
  afterAll(() => csms?.close());

  it('splits a fleet between versions with --ocpp-mix, each charger running its session in its version', async () => {
    const args = ['--url', csms.url, '--count', '4', '--id-prefix', 'MIXCLI-', '--sessions', '1', '--id-tag', 'GOOD', '--meter-interval', '1'];
    const run = await runSim([...args, '--ocpp-mix', '1.6:50,2.0.1:50']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('4 open, 0 failed, 0 session errors');
    expect(run.stdout).toContain('open by OCPP version: 1.6=2 2.0.1=2');
    expect([1, 2, 3, 4].map((n) => csms.stations.get(`MIXCLI-${n}`)?.subprotocol)).toEqual(['ocpp1.6', 'ocpp1.6', 'ocpp2.0.1', 'ocpp2.0.1']);
    expect(counts(run.stdout, 'replies')).toMatchObject({ 'StopTransaction:Accepted': 2, 'TransactionEvent:Accepted': 4, 'Authorize:Accepted': 4 });
    expect(csms.violations).toEqual([]);
  });

  it('speaks one version with --ocpp', async () => {
    const run = await runSim(['--url', csms.url, '--count', '1', '--id-prefix', 'V21CLI-', '--ocpp', '2.1']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('open by OCPP version: 2.1=1');
    expect(csms.stations.get('V21CLI-1')?.subprotocol).toBe('ocpp2.1');
    expect(csms.violations).toEqual([]);
  });

  it.each([
    [['--ocpp', '2.0'], '--ocpp must be 1.6, 2.0.1 or 2.1, got "2.0"'],
    [['--ocpp-mix', '1.6:60,2.0.1:60'], '--ocpp-mix: percentages add up to 120, not 100'],
    [['--ocpp', '1.6', '--ocpp-mix', '1.6:100'], '--ocpp and --ocpp-mix exclude each other'],
  ])('exits 2 and names the flag for %j', async (flags, message) => {
    const run = await runSim(['--url', csms.url, ...flags]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });
});
