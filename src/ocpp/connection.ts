import { versionOf, type ChargerConnection, type ChargerContext, type OcppDeps } from './context.js';
import { ocppError } from './errors.js';
import { protocols } from './protocols.js';
import type { ConnectionRegistry } from './connectionRegistry.js';
import type { RefusalKind } from './rpc/inbound.js';
import { isRpcError } from './rpc/errors.js';
import { appliedBefore, offlineSettingOf, pushOfflineConfig } from './offlineConfig.js';
import { envelope } from '../notifications/record.js';
import { registrationState } from './registration.js';
import type { OcppMetrics } from './metrics.js';

/** last_seen is written at most this often per charger from ordinary traffic. */
const TOUCH_EVERY_MS = 60_000;
const REFUSALS: Record<RefusalKind, string> = {
  oversized: 'oversized frame refused',
  rate_limited: 'message over the rate limit refused',
  rate_abuse: 'message rate far over the limit; connection closed',
  duplicate: 'CALL repeated with the same message id; answered once',
};

/** Wires one accepted connection: its version's handler table, registry, online state. */
export function attachConnection(deps: OcppDeps, registry: ConnectionRegistry, client: ChargerConnection, metrics: OcppMetrics): void {
  const { chargerId, installationId } = client.session;
  const log = deps.log.child({ chargerId });
  const registration = registrationState(client.session.registration);
  const ctx: ChargerContext = { chargerId, installationId, ocppVersion: versionOf(client.protocol), log, registration };
  const { handlers } = protocols[client.protocol];

  // Set below: the write that marks the charger online and records charger.connected.
  let online: Promise<unknown> | undefined;
  const run = async (action: string, params: unknown, signal: AbortSignal) => {
    const counts = metrics.action(action)!;
    try {
      // On PostgreSQL a pool runs writes side by side: without this wait a StatusNotification
      // sent right after the handshake could be recorded before charger.connected.
      if (online) await online;
      const refusal = registration.refusal(action);
      if (refusal) throw ocppError('SecurityError', refusal);
      const result = await handlers[action](deps, ctx, params, signal);
      counts.ok.n++;
      return result;
    } catch (err) {
      if (isRpcError(err)) {
        counts.call_error.n++;
        throw err;
      }
      counts.internal_error.n++;
      // The charger gets a code it can retry on; the cause stays in our log.
      log.error({ err, action }, 'handler failed');
      throw ocppError('InternalError', 'Internal error; retry later');
    }
  };
  client.serve({ has: (action) => Object.hasOwn(handlers, action), run });
  client.on('refused', (kind: RefusalKind, detail: Record<string, unknown>) => log.warn({ kind, ...detail }, REFUSALS[kind]));

  let lastTouch = Date.now();
  client.on('message', () => {
    const now = Date.now();
    if (now - lastTouch < TOUCH_EVERY_MS) return;
    lastTouch = now;
    deps.store.chargers.touch(chargerId, new Date(now).toISOString()).catch((err) => log.warn({ err }, 'last-seen update failed'));
  });
  client.on('badMessage', ({ error, response }: { error: Error; response: unknown }) =>
    log.warn({ error: error.message, response }, 'malformed frame'),
  );
  client.on('strictValidationFailure', ({ method, error, outbound, isCall }: any) => {
    // Inbound CALLs refused by the schema never reach their handler; count them here.
    if (!outbound && isCall) {
      const counts = metrics.action(method);
      if (counts) counts.invalid.n++;
    }
    log.warn({ action: method, error: error?.message, outbound }, 'frame failed schema validation');
  });

  // The offline setting the charger holds, as the store knew it at connect and as pushed since;
  // one push at a time on this connection.
  let offlineConfig: Stored = null;
  let provisioning = Promise.resolve();
  const provision = (boot: boolean) => {
    provisioning = provisioning.then(async () => {
      offlineConfig = await applyOfflineSetting(deps, ctx, client, boot, offlineConfig);
    });
  };

  // After the BootNotification reply has gone out (the spec lets us send requests only then).
  client.on('calling', (method: string, params: unknown) => registration.sent(method, params));
  client.on('callResult', ({ method }: { method: string }) => {
    if (method !== 'BootNotification' || registration.status !== 'accepted') return;
    setImmediate(() => {
      provision(true);
      void syncLocalList(deps, ctx);
    });
  });

  const previous = registry.set(chargerId, client);
  if (previous) {
    log.info('new connection replaces the previous one');
    void previous.close({ code: 1000, reason: 'Replaced by a new connection' });
  }
  const { nodeId } = deps.config;
  const since = registry.connectedAt(chargerId) ?? Date.now();
  online = deps.store
    .transact(async (tx) => {
      await tx.chargers.setOnline(chargerId, nodeId, new Date().toISOString(), ctx.ocppVersion);
      tx.emit(envelope('charger.connected', installationId, chargerId, { nodeId }));
      return client.session.before;
    })
    // After the commit, so the old node's close finds the new holder and leaves the charger online.
    .then((before) => {
      if (before.holder && before.holder !== nodeId) deps.cluster.tookOver(chargerId, before.holder, since);
      offlineConfig = before.offlineConfig;
      // Back after an outage, maybe without a new boot: its list and offline setting may have missed changes.
      if (!before.bootedAt || registration.status !== 'accepted') return;
      void syncLocalList(deps, ctx);
      provision(false);
    })
    .catch((err) => log.error({ err }, 'online update failed'))
    .finally(() => (online = undefined));
  log.info({ remoteAddress: client.handshake.remoteAddress }, 'charger connected');

  client.once('close', ({ code, reason }: { code: number; reason: Buffer | string }) => {
    if (!registry.release(chargerId, client)) return;
    log.info({ code, reason: String(reason ?? '') }, 'charger disconnected');
    // After the online write: a charger gone before that committed (a close right after the
    // handshake, a SIGTERM) would otherwise find no row of ours to mark offline, and the online
    // write landing after it would leave the charger online for good.
    const write = Promise.resolve(online)
      .then(() =>
        deps.store.transact(async (tx) => {
          // Unchanged: another node holds the charger now, and it is not disconnected.
          if (await tx.chargers.setOffline(chargerId, nodeId, new Date().toISOString())) {
            tx.emit(envelope('charger.disconnected', installationId, chargerId, { nodeId, code, reason: String(reason ?? '') }));
          }
        }),
      )
      .catch((err) => log.error({ err }, 'offline update failed'));
    registry.trackClose(write);
  });
}

type Stored = Record<string, unknown> | null;

/**
 * The installation's offline setting, on every boot: written to a charger that never applied it,
 * checked on one that did (a reset or a firmware update may have undone it). On a reconnect
 * without a boot, written only when the setting changed while the charger was away.
 */
async function applyOfflineSetting(deps: OcppDeps, ctx: ChargerContext, client: ChargerConnection, boot: boolean, stored: Stored): Promise<Stored> {
  try {
    const settings = await deps.settings.get(ctx.installationId);
    if (!settings) return stored;
    const setting = offlineSettingOf(settings);
    const applied = appliedBefore(stored, setting);
    if (!boot && applied) return stored;
    const opts = { store: deps.store, log: ctx.log, timeoutMs: deps.config.commandTimeoutMs };
    return { ...(await pushOfflineConfig(client, ctx.chargerId, setting, opts, { check: applied })) };
  } catch (err) {
    ctx.log.warn({ err }, 'offline setting not applied');
    return stored;
  }
}

/** Asks for a list sync when the installation keeps lists (after a boot, or on reconnecting when it booted before). */
async function syncLocalList(deps: OcppDeps, ctx: ChargerContext): Promise<void> {
  try {
    const settings = await deps.settings.get(ctx.installationId);
    if (!settings || settings.localList.mode === 'off') return;
    deps.localList.charger(ctx.chargerId);
  } catch (err) {
    ctx.log.warn({ err }, 'local list sync not started');
  }
}
