// The gateway's own CALLs to a charger (src/ocpp/rpc/outbound.ts): one outstanding at a time as
// OCPP-J requires, a disconnect ends a pending call at once, and an answer that comes after the
// timeout is dropped without harm.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type TestApi } from '../api/gateway.js';

describe("the gateway's CALLs to a charger", () => {
  let api: TestApi;
  let installationId: string;
  const command = (chargerId: string, action: string, body?: unknown) => api.request('POST', `/api/chargers/${chargerId}/commands/${action}`, body);

  beforeAll(async () => {
    api = await startApi('sqlite', { commandTimeoutMs: 1500 });
    installationId = (await api.request('POST', '/api/installations', { name: 'Calls' })).body.id;
  });
  afterAll(async () => {
    await api?.close();
  });

  async function charger(id: string) {
    await api.request('POST', `/api/installations/${installationId}/chargers`, { id });
    const cp = await api.charger(id);
    await cp.boot();
    // The offline setting's ChangeConfiguration CALLs after the boot are answered and done.
    await new Promise((r) => setTimeout(r, 200));
    return cp;
  }

  it('sends the next CALL only after the charger answered the one before', async () => {
    const cp = await charger('LEAN-1');
    const seen: string[] = [];
    let release!: () => void;
    cp.onCall('Reset', () => {
      seen.push('Reset');
      return new Promise<object>((resolve) => (release = () => resolve({ status: 'Accepted' })));
    });
    cp.onCall('ClearCache', () => {
      seen.push('ClearCache');
      return { status: 'Accepted' };
    });
    const first = command('LEAN-1', 'Reset', { type: 'Soft' });
    await expect.poll(() => seen).toEqual(['Reset']);
    const second = command('LEAN-1', 'ClearCache', {});
    await new Promise((r) => setTimeout(r, 300));
    expect(seen).toEqual(['Reset']);
    release();
    expect((await first).body).toEqual({ action: 'Reset', result: { status: 'Accepted' } });
    expect((await second).body).toEqual({ action: 'ClearCache', result: { status: 'Accepted' } });
    expect(seen).toEqual(['Reset', 'ClearCache']);
  });

  it('ends a pending call when the charger disconnects, without waiting for the timeout', async () => {
    const cp = await charger('LEAN-2');
    cp.onCall('UnlockConnector', () => new Promise<object>(() => {}));
    const started = Date.now();
    const pending = command('LEAN-2', 'UnlockConnector', { connectorId: 1 });
    await new Promise((r) => setTimeout(r, 100));
    await cp.close();
    const res = await pending;
    expect(res.status).toBe(502);
    expect(res.body.error).toBe('COMMAND_FAILED');
    expect(Date.now() - started).toBeLessThan(1200);
  });

  it('times out a call, drops the late answer, and the next call works', async () => {
    const cp = await charger('LEAN-3');
    let late!: () => void;
    cp.onCall('TriggerMessage', () => new Promise<object>((resolve) => (late = () => resolve({ status: 'Accepted' }))));
    const timedOut = await command('LEAN-3', 'TriggerMessage', { requestedMessage: 'Heartbeat' });
    expect(timedOut.status).toBe(504);
    late();
    cp.onCall('ClearCache', () => ({ status: 'Rejected' }));
    const next = await command('LEAN-3', 'ClearCache', {});
    expect(next.body).toEqual({ action: 'ClearCache', result: { status: 'Rejected' } });
    expect((await api.request('GET', '/api/chargers/LEAN-3')).body.online).toBe(true);
  });
});
