import type { Logger } from '../../log.js';
import type { Store } from '../../store/index.js';
import { envelope } from '../../notifications/record.js';
import type { ChargerLocalList, LocalListEntry, LocalListPatch } from '../../store/localLists.js';
import { chunk, contentHash, diffLists } from '../../authorization/localList.js';
import type { ListSource } from './lists.js';
import type { ChargerConnection } from '../connectionRegistry.js';
import { versionOf, type OcppVersion } from '../versions.js';
import type { Capabilities, ListProtocol } from './protocol.js';
import { isRpcError } from '../rpc/errors.js';
import { v16 } from './v16.js';
import { v201 } from './v201.js';

export interface SyncDeps {
  store: Store;
  /** The installation's list, shared by its chargers. */
  lists: ListSource;
  log: Logger;
  timeoutMs: number;
}

/** Who is synced: one connection of this node. */
export interface SyncTarget {
  chargerId: string;
  installationId: string;
  client: ChargerConnection;
  /** False once this connection is gone (closed, or replaced by a newer one). */
  connected(): boolean;
}

/** CALLERRORs that say the charger has no such message: it keeps no list. */
const NO_SUCH_MESSAGE = new Set(['NotImplemented', 'NotSupported']);
/** Statuses after which only a Full list can bring the charger back in line. */
const NEEDS_FULL = new Set(['VersionMismatch', 'Failed']);

const protocolOf = (client: ChargerConnection): ListProtocol => (client.protocol === 'ocpp1.6' ? v16 : v201);

/** A charger's answer or our failure to get one, as the site owner reads it. */
const errorAnswer = (err: unknown) => `Error: ${(err as Error)?.message ?? String(err)}`;

/**
 * Brings one connected charger's Local Authorization List in line with its installation's setting:
 * reads what the charger can hold and which version it has, then sends a Full list (first time,
 * after VersionMismatch or Failed, or when its version is not the one we left) or a Differential
 * with the changes, in messages of the charger's maximum, each its own version step.
 */
export async function syncCharger(deps: SyncDeps, target: SyncTarget): Promise<void> {
  const { store } = deps;
  const settings = await store.installations.providerSettings(target.installationId);
  if (!settings) return;
  const stored = await store.localLists.get(target.chargerId);
  const run = new SyncRun(deps, target, stored);
  try {
    if (settings.localList.mode === 'off') return await run.clear();
    const protocol = protocolOf(target.client);
    const read = await protocol.capabilities(target.client, deps.timeoutMs);
    if (!read.supported) return await run.unsupported(read.answer);
    // What the charger reported of its capacity before (2.0.1: a NotifyReport) stands until it says otherwise.
    const caps = { ...read, maxLength: read.maxLength ?? stored?.maxLength ?? null };
    if (caps.maxLength === null && protocol.askMaximum) {
      protocol.askMaximum(target.client, deps.timeoutMs).catch((err) => deps.log.info({ err: errorAnswer(err) }, 'list capacity not reported'));
    }
    const list = (await deps.lists.get(target.installationId, settings.localList)).filter((e) => protocol.carries(e));
    await run.send(caps, caps.maxLength === null ? list : list.slice(0, caps.maxLength));
  } catch (err) {
    // Gone mid-way: the list stays `syncing` and is sent when the charger returns.
    if (!target.connected()) return;
    if (isRpcError(err) && NO_SUCH_MESSAGE.has(err.rpcErrorCode)) await run.unsupported(`${err.rpcErrorCode}: ${err.message}`);
    else await run.failed(errorAnswer(err));
  }
}

class SyncRun {
  private readonly protocol: ListProtocol;
  private readonly ocppVersion: OcppVersion;

  constructor(
    private readonly deps: SyncDeps,
    private readonly target: SyncTarget,
    private readonly stored: ChargerLocalList | undefined,
  ) {
    this.protocol = protocolOf(target.client);
    this.ocppVersion = versionOf(target.client.protocol);
  }

  /** Off after a list was sent: an empty Full list, so a card the site owner stopped listing is not honoured offline. */
  async clear(): Promise<void> {
    const { stored } = this;
    if (!stored || stored.state === 'off') return;
    if (stored.entries.length > 0 && stored.state !== 'not_supported') {
      const version = Math.max(stored.version, await this.protocol.version(this.target.client, this.deps.timeoutMs)) + 1;
      const status = await this.protocol.send(this.target.client, { version, updateType: 'Full', updates: [] }, this.deps.timeoutMs);
      if (status !== 'Accepted') return this.failed(status);
      return void (await this.save({ state: 'off', version, entries: [], contentHash: contentHash([]), answer: status, syncedAt: new Date().toISOString() }));
    }
    await this.save({ state: 'off' });
  }

  async unsupported(answer: string): Promise<void> {
    if (this.stored?.state === 'not_supported' && this.stored.answer === answer) return;
    await this.recordFailure('not_supported', answer);
  }

  async failed(answer: string): Promise<void> {
    await this.recordFailure('failed', answer);
  }

  async send(caps: Capabilities & { supported: true }, entries: LocalListEntry[]): Promise<void> {
    const { client } = this.target;
    const { timeoutMs } = this.deps;
    const hash = contentHash(entries);
    // A capacity not read this time is left as the charger last reported it (a NotifyReport may land meanwhile).
    const capabilities = { ...(caps.maxLength !== null && { maxLength: caps.maxLength }), sendMaxLength: caps.sendMaxLength, bytesPerMessage: caps.bytesPerMessage };
    const charger = await this.protocol.version(client, timeoutMs);
    // 1.6 GetLocalListVersion.conf: -1 says the charger has no Local Authorization List (2.0.1 versions are never negative).
    if (charger < 0) return this.unsupported(`GetLocalListVersion: ${charger}`);
    const { stored } = this;
    const inLine = stored !== undefined && stored.version > 0 && stored.version === charger;
    if (inLine && stored.contentHash === hash && (stored.state === 'in_sync' || stored.state === 'syncing')) {
      // A run cut short before it sent anything: the charger holds what we last confirmed.
      if (stored.state === 'syncing') await this.save({ state: 'in_sync' });
      return;
    }
    await this.save({ state: 'syncing', ...capabilities });
    const full = !inLine || stored.state === 'failed' || stored.state === 'not_supported' || stored.state === 'off';
    let outcome = await this.sendAll(full ? 'Full' : 'Differential', Math.max(stored?.version ?? 0, charger), full ? entries : diffLists(stored.entries, entries), this.protocol.perMessage(caps));
    // A charger that lost track of our Differential gets the whole list.
    if (!full && outcome.status !== 'Accepted' && NEEDS_FULL.has(outcome.status)) {
      outcome = await this.sendAll('Full', outcome.version, entries, this.protocol.perMessage(caps));
    }
    if (outcome.status !== 'Accepted') {
      const state = outcome.status === 'NotSupported' ? 'not_supported' : 'failed';
      // The version stays our last whole list: a charger that took part of this one is out of step and gets a Full next time.
      return this.recordFailure(state, outcome.status);
    }
    const data = { version: outcome.version, updateType: outcome.updateType, entries: entries.length, sent: outcome.sent, messages: outcome.messages, ocppVersion: this.ocppVersion };
    await this.deps.store.transact(async (tx) => {
      await tx.localLists.save(this.target.chargerId, { state: 'in_sync', version: outcome.version, contentHash: hash, entries, answer: 'Accepted', syncedAt: new Date().toISOString() });
      tx.emit(envelope('localList.synced', this.target.installationId, this.target.chargerId, data));
    });
    this.deps.log.info(data, 'local authorization list in sync');
  }

  /** Sends the updates in messages of `perMessage`; a Full list's later messages are Differentials adding to it. */
  private async sendAll(updateType: 'Full' | 'Differential', from: number, updates: ReturnType<typeof diffLists>, perMessage: number | null) {
    const messages = chunk(updates, perMessage);
    let version = from;
    for (const [i, part] of messages.entries()) {
      const status = await this.protocol.send(this.target.client, { version: version + 1, updateType: i === 0 ? updateType : 'Differential', updates: part }, this.deps.timeoutMs);
      if (status !== 'Accepted') return { status, version, updateType, sent: 0, messages: i };
      version += 1;
    }
    return { status: 'Accepted', version, updateType, sent: updates.length, messages: messages.length };
  }

  private async recordFailure(state: 'failed' | 'not_supported', answer: string): Promise<void> {
    const version = this.stored?.version ?? 0;
    await this.deps.store.transact(async (tx) => {
      await tx.localLists.save(this.target.chargerId, { state, answer });
      tx.emit(envelope('localList.failed', this.target.installationId, this.target.chargerId, { state, answer, version, ocppVersion: this.ocppVersion }));
    });
    this.deps.log.warn({ state, answer, version }, 'local authorization list not in sync');
  }

  private save(patch: LocalListPatch) {
    return this.deps.store.localLists.save(this.target.chargerId, patch);
  }
}
