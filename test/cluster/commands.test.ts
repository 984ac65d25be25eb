// Remote commands through any node of a cluster (several gateways on one PostgreSQL): the
// node that gets the API call carries it to the node holding the charger's socket.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { CallError } from '../../simulators/charger/charger.js';
import { channelOf } from '../../src/cluster/bus.js';
import { startTestCluster, type TestCluster, type TestNode } from '../helpers/cluster.js';

describe('remote commands across nodes', () => {
  let cluster: TestCluster;
  let a: TestNode;
  let b: TestNode;
  const command = (node: TestNode, chargerId: string, action: string, body: unknown) =>
    node.api('POST', `/api/chargers/${chargerId}/commands/${action}`, body);

  beforeAll(async () => {
    // Short, so the "never answers" case costs a fraction of a second.
    cluster = await startTestCluster(2, { commandTimeoutMs: 500 });
    [a, b] = cluster.nodes;
    await cluster.installation(['CL-CMD-1', 'CL-CMD-OFF']);
  });
  afterAll(() => cluster?.stop());

  it("answers a command sent through B with the answer of the charger connected to A", async () => {
    const cp = a.charger('CL-CMD-1');
    await cp.connect();
    await cp.boot();
    // B knows where the charger is from the store, which A writes right after the handshake.
    await expect.poll(async () => (await b.api('GET', '/api/chargers/CL-CMD-1')).body).toMatchObject({ online: true, nodeId: a.gw.config.nodeId });

    cp.onCall('Reset', () => ({ status: 'Rejected' }));
    const res = await command(b, 'CL-CMD-1', 'Reset', { type: 'Soft' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ action: 'Reset', result: { status: 'Rejected' } });
    expect(cp.lastCall('Reset')).toEqual({ action: 'Reset', payload: { type: 'Soft' } });

    // A large answer travels through the node_calls table, not the 8000-byte NOTIFY.
    const configurationKey = Array.from({ length: 200 }, (_, k) => ({ key: `Key${k}`, readonly: false, value: 'x'.repeat(100) }));
    cp.onCall('GetConfiguration', () => ({ configurationKey }));
    const big = await command(b, 'CL-CMD-1', 'GetConfiguration', {});
    expect(big.status).toBe(200);
    expect(big.body.result.configurationKey).toHaveLength(200);
  });

  it("passes the charger's CALLERROR and a timeout back through B as they are for a local charger", async () => {
    const cp = a.charger('CL-CMD-1-ERR');
    await cluster.installation(['CL-CMD-1-ERR']);
    await cp.connect();
    await expect.poll(async () => (await b.api('GET', '/api/chargers/CL-CMD-1-ERR')).body.online).toBe(true);

    cp.onCall('UnlockConnector', () => {
      throw new CallError('NotSupported', 'no motorised lock');
    });
    const err = await command(b, 'CL-CMD-1-ERR', 'UnlockConnector', { connectorId: 1 });
    expect(err.status).toBe(502);
    expect(err.body).toMatchObject({ error: 'CHARGER_CALL_ERROR', details: { errorCode: 'NotSupported', errorDescription: 'no motorised lock' } });

    cp.onCall('TriggerMessage', () => new Promise<object>(() => {}));
    const timeout = await command(b, 'CL-CMD-1-ERR', 'TriggerMessage', { requestedMessage: 'Heartbeat' });
    expect(timeout.status).toBe(504);
    expect(timeout.body.error).toBe('COMMAND_TIMEOUT');
  });

  it('answers CHARGER_OFFLINE at once for a charger no node holds', async () => {
    const started = Date.now();
    const res = await command(b, 'CL-CMD-OFF', 'Reset', { type: 'Hard' });
    expect(res.status).toBe(409);
    expect(res.body.error).toBe('CHARGER_OFFLINE');
    // Well under the command timeout plus the routing margin: nothing was waited for.
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('keeps carrying commands after the holder’s LISTEN connection was cut', async () => {
    const { db } = a.gw.store;
    const listener = sql<{ pid: number }>`select pid from pg_stat_activity where datname = current_database() and query like 'LISTEN%'`;
    const before = (await listener.execute(db)).rows.length;
    expect(before).toBe(2);
    // A's listener, found by its channel name, is killed by the server.
    await sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query = ${`LISTEN ${channelOf(a.gw.config.nodeId)}`}`.execute(db);
    await expect.poll(() => a.logs.some((l) => l.msg === 'cluster listener reconnected'), { timeout: 10_000 }).toBe(true);
    const res = await command(b, 'CL-CMD-1', 'ClearCache', {});
    expect(res.status).toBe(200);
    expect(res.body.result).toEqual({ status: 'Accepted' });
  });

  it('still checks the body against the OCPP schema on the node that got the call', async () => {
    const res = await command(b, 'CL-CMD-1', 'Reset', { type: 'Medium' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('COMMAND_INVALID');
  });
});
