import { randomUUID } from 'node:crypto';
import { CommandError, type CommandErrorCode, type Commands, type RemoteCommand } from '../ocpp/commands.js';
import type { ConnectionRegistry } from '../ocpp/connectionRegistry.js';
import type { Store } from '../store/index.js';
import type { Logger } from '../log.js';
import type { Bus } from './bus.js';
import type { Presence } from './presence.js';
import { createReplies } from '../replies.js';

/** Time on top of the command timeout for the two hops through PostgreSQL. */
export const ROUTING_MARGIN_MS = 2000;

type Reply = { ok: true; result: unknown } | { ok: false; code: CommandErrorCode; message: string; details: Record<string, unknown> };

export interface RoutingDeps {
  /** Runs a command on a socket of this node. */
  local: Commands;
  registry: ConnectionRegistry;
  store: Store;
  bus: Bus;
  presence: Presence;
  nodeId: string;
  defaultTimeoutMs: number;
  log: Logger;
}

/**
 * Remote commands for chargers held by another node: the request goes into node_calls, its id
 * to the holder by NOTIFY; the holder runs it on its socket, writes the reply into the row and
 * NOTIFYs the id back. The caller sees the same results and errors as for a local charger.
 */
export function createRouting(d: RoutingDeps) {
  // The bus carries only the call's id: the reply itself is read from node_calls.
  const replies = createReplies<true, string>();

  async function viaHolder(chargerId: string, action: RemoteCommand, params: Record<string, unknown>, timeoutMs: number): Promise<unknown> {
    const holder = await d.store.chargers.holder(chargerId);
    if (!holder || holder === d.nodeId) throw new CommandError('CHARGER_OFFLINE', `Charger ${chargerId} is not connected`);
    if (!(await d.presence.isAlive(holder))) {
      throw new CommandError('CHARGER_OFFLINE', `Charger ${chargerId} is not connected (its gateway node stopped responding)`, { nodeId: holder });
    }
    const id = randomUUID();
    await d.store.nodeCalls.create({ id, chargerId, action, params, timeoutMs, fromNode: d.nodeId, toNode: holder }, new Date().toISOString());
    const answered = replies.wait(id, timeoutMs + ROUTING_MARGIN_MS);
    try {
      await d.bus.send(holder, { kind: 'call', id });
      await answered;
      // Read even after the deadline: a reply whose NOTIFY was lost (listener reconnecting) still counts.
      const reply = (await d.store.nodeCalls.takeReply(id)) as Reply | undefined;
      if (!reply) throw new CommandError('COMMAND_TIMEOUT', `The charger did not answer ${action} in time`, { nodeId: holder });
      if (reply.ok) return reply.result;
      throw new CommandError(reply.code, reply.message, reply.details);
    } catch (err) {
      if (err instanceof CommandError) throw err;
      throw new CommandError('COMMAND_FAILED', `${action} could not be carried to node ${holder}: ${(err as Error).message}`);
    } finally {
      replies.abandon(id);
      await d.store.nodeCalls.remove(id).catch(() => undefined);
    }
  }

  /** On the holder: run the stored request on this node's socket and send the reply back. */
  async function run(id: string): Promise<void> {
    const call = await d.store.nodeCalls.get(id);
    if (!call || call.toNode !== d.nodeId) return;
    let reply: Reply;
    try {
      reply = { ok: true, result: await d.local.send(call.chargerId, call.action as RemoteCommand, call.params, call.timeoutMs) };
    } catch (err) {
      reply = err instanceof CommandError
        ? { ok: false, code: err.code, message: err.message, details: err.details }
        : { ok: false, code: 'COMMAND_FAILED', message: `${call.action} could not be delivered: ${(err as Error).message}`, details: {} };
    }
    await d.store.nodeCalls.answer(id, reply);
    await d.bus.send(call.fromNode, { kind: 'reply', id });
  }

  const commands: Commands = {
    // The body is checked against the charger's version by the node running it on the socket (local.send).
    async send(chargerId, action, params, timeoutMs = d.defaultTimeoutMs) {
      if (d.registry.get(chargerId)) return d.local.send(chargerId, action, params, timeoutMs);
      return viaHolder(chargerId, action, params, timeoutMs);
    },
  };

  return {
    commands,
    onCall: (id: string) => void run(id).catch((err) => d.log.error({ err, callId: id }, 'remote command from another node failed')),
    onReply: (id: string) => replies.answer(id, true),
  };
}

export type Routing = ReturnType<typeof createRouting>;
