import { randomUUID } from 'node:crypto';
import type { Db } from './db.js';
import type { deliveryCursors } from './deliveryCursors.js';
import { compiledOnce, slot } from './compiled.js';
import type { SubscriptionTable } from './schema.js';
import type { SecretBox } from '../secrets.js';

export type SubscriptionState = 'active' | 'queued' | 'unverified' | 'disabled';
export type SignatureScheme = 'none' | 'hmac-sha256' | 'standard-webhooks';

export interface KafkaTarget {
  brokers: string[];
  topic: string;
  securityProtocol: 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';
  saslMechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512' | null;
  username: string | null;
}

/** What the API shows: no secret, no password, only whether one is set. */
export interface Subscription {
  id: string;
  installationId: string | null;
  label: string;
  kind: 'webhook' | 'kafka';
  url: string | null;
  urlMode: 'fixed' | 'base';
  events: string[];
  enabled: boolean;
  subscriptionId: string | null;
  authentication: { kind: 'none' | 'basic'; username: string | null; passwordSet: boolean };
  signature: SignatureScheme;
  filter: { idTagPattern?: string; chargers?: string[] };
  blocking: string[];
  blockingTimeoutMs: number;
  timeoutMs: number;
  verify: boolean;
  kafka: (KafkaTarget & { passwordSet: boolean }) | null;
  state: SubscriptionState;
  stateReason: string | null;
  /** The seq of the last event delivered, or skipped by starting past it. */
  cursor: number;
  failures: number;
  nextAttemptAt: string | null;
  /** While set, the secret before the last rotation still signs, until this time. */
  previousSecretUntil: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface SubscriptionSecrets {
  secret: string;
  /** The secret before the last rotation, while its overlap lasts. */
  previousSecret: string | null;
  authPassword: string | null;
  kafkaPassword: string | null;
}

export type SubscriptionInput = Omit<
  Subscription,
  'id' | 'authentication' | 'kafka' | 'state' | 'stateReason' | 'cursor' | 'failures' | 'nextAttemptAt' | 'previousSecretUntil' | 'createdAt' | 'updatedAt'
> & {
  authentication: { kind: 'none' | 'basic'; username: string | null; password: string | null };
  kafka: (KafkaTarget & { password: string | null }) | null;
  secret: string;
};

/** The previous secret's end of overlap, while it is still ahead. */
const overlapUntil = (r: SubscriptionTable, now = Date.now()): string | null =>
  r.previous_secret !== null && r.previous_secret_until !== null && Date.parse(r.previous_secret_until) > now ? r.previous_secret_until : null;

/** `delivered`: the delivery thread's position (deliveryCursors.ts); the row's cursor is where the API started it. */
function toSubscription(r: SubscriptionTable, delivered = 0): Subscription {
  const kafka = r.kafka ? (JSON.parse(r.kafka) as KafkaTarget) : null;
  return {
    id: r.id,
    installationId: r.installation_id,
    label: r.label,
    kind: r.kind as Subscription['kind'],
    url: r.url,
    urlMode: r.url_mode as Subscription['urlMode'],
    events: JSON.parse(r.events),
    enabled: r.enabled === 1,
    subscriptionId: r.subscription_ref,
    authentication: { kind: r.auth_kind as 'none' | 'basic', username: r.auth_username, passwordSet: r.auth_password !== null },
    signature: r.signature as SignatureScheme,
    filter: JSON.parse(r.filter),
    blocking: JSON.parse(r.blocking),
    blockingTimeoutMs: r.blocking_timeout_ms,
    timeoutMs: r.timeout_ms,
    verify: r.verify === 1,
    kafka: kafka && { ...kafka, passwordSet: r.kafka_password !== null },
    state: r.state as SubscriptionState,
    stateReason: r.state_reason,
    cursor: Math.max(Number(r.cursor), delivered),
    failures: r.failures,
    nextAttemptAt: r.next_attempt_at,
    previousSecretUntil: overlapUntil(r),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function columns(input: Partial<SubscriptionInput>, box: SecretBox): Partial<SubscriptionTable> {
  const c: Partial<SubscriptionTable> = {};
  if (input.installationId !== undefined) c.installation_id = input.installationId;
  if (input.label !== undefined) c.label = input.label;
  if (input.kind !== undefined) c.kind = input.kind;
  if (input.url !== undefined) c.url = input.url;
  if (input.urlMode !== undefined) c.url_mode = input.urlMode;
  if (input.events !== undefined) c.events = JSON.stringify(input.events);
  if (input.enabled !== undefined) c.enabled = input.enabled ? 1 : 0;
  if (input.subscriptionId !== undefined) c.subscription_ref = input.subscriptionId;
  if (input.authentication !== undefined) {
    c.auth_kind = input.authentication.kind;
    c.auth_username = input.authentication.username;
    if (input.authentication.password !== undefined) c.auth_password = input.authentication.password === null ? null : box.seal(input.authentication.password);
  }
  if (input.signature !== undefined) c.signature = input.signature;
  if (input.secret !== undefined) {
    // Set outright: the old secret stops signing at once (a rotation with overlap is rotateSecret).
    c.secret = box.seal(input.secret);
    c.previous_secret = null;
    c.previous_secret_until = null;
  }
  if (input.filter !== undefined) c.filter = JSON.stringify(input.filter);
  if (input.blocking !== undefined) c.blocking = JSON.stringify(input.blocking);
  if (input.blockingTimeoutMs !== undefined) c.blocking_timeout_ms = input.blockingTimeoutMs;
  if (input.timeoutMs !== undefined) c.timeout_ms = input.timeoutMs;
  if (input.verify !== undefined) c.verify = input.verify ? 1 : 0;
  if (input.kafka !== undefined) {
    if (input.kafka === null) {
      c.kafka = null;
      c.kafka_password = null;
    } else {
      const { password, ...target } = input.kafka;
      c.kafka = JSON.stringify(target);
      if (password !== undefined) c.kafka_password = password === null ? null : box.seal(password);
    }
  }
  return c;
}

/** Sealed values opened before, by their sealed text (a fresh IV each seal: one text, one value). */
const OPENED_MAX = 10_000;

// Every delivery drain reads its subscription: built once (compiled.ts).
const findById = compiledOnce((d) => d.selectFrom('subscriptions').selectAll().where('id', '=', slot('id')));

export function subscriptionStore(db: Db, box: SecretBox, cursors: ReturnType<typeof deliveryCursors>) {
  const rowOf = async (id: string) => (await findById(db, { id })).rows[0];
  const read = async (r: SubscriptionTable) => toSubscription(r, await cursors.of(r.id));
  // A delivery worker reads its subscription's secrets on every drain, which is often one
  // event: opening them (AES-GCM) each time showed in the delivery thread's profile.
  const opened = new Map<string, string>();
  const open = (sealed: string) => {
    let plain = opened.get(sealed);
    if (plain === undefined) {
      if (opened.size >= OPENED_MAX) opened.clear();
      opened.set(sealed, (plain = box.open(sealed)));
    }
    return plain;
  };
  const secretsOf = (r: SubscriptionTable): SubscriptionSecrets => ({
    secret: open(r.secret),
    previousSecret: overlapUntil(r) === null ? null : open(r.previous_secret!),
    authPassword: r.auth_password === null ? null : open(r.auth_password),
    kafkaPassword: r.kafka_password === null ? null : open(r.kafka_password),
  });
  return {
    async create(input: SubscriptionInput, state: SubscriptionState, cursor: number): Promise<Subscription> {
      const now = new Date().toISOString();
      const row = {
        id: randomUUID(),
        ...columns(input, box),
        state,
        state_reason: null,
        cursor,
        failures: 0,
        next_attempt_at: null,
        lease_owner: null,
        lease_until: null,
        previous_secret: null,
        previous_secret_until: null,
        created_at: now,
        updated_at: now,
      } as SubscriptionTable;
      await db.insertInto('subscriptions').values(row).execute();
      return toSubscription(row);
    },

    async get(id: string): Promise<Subscription | undefined> {
      const r = await rowOf(id);
      return r && read(r);
    },

    async list(installationId?: string): Promise<Subscription[]> {
      let q = db.selectFrom('subscriptions').selectAll();
      if (installationId !== undefined) q = q.where('installation_id', '=', installationId);
      const [rows, delivered] = await Promise.all([q.orderBy('created_at').orderBy('id').execute(), cursors.all()]);
      return rows.map((r) => toSubscription(r, delivered.get(r.id)));
    },

    async secrets(id: string): Promise<SubscriptionSecrets | undefined> {
      const r = await rowOf(id);
      return r && secretsOf(r);
    },

    /** The subscription and its secrets in one read: what a delivery worker needs per drain. */
    async withSecrets(id: string): Promise<{ subscription: Subscription; secrets: SubscriptionSecrets } | undefined> {
      const r = await rowOf(id);
      return r && { subscription: await read(r), secrets: secretsOf(r) };
    },

    async update(id: string, patch: Partial<SubscriptionInput>, extra: Partial<SubscriptionTable> = {}): Promise<Subscription | undefined> {
      const values = { ...columns(patch, box), ...extra, updated_at: new Date().toISOString() };
      const res = await db.updateTable('subscriptions').set(values).where('id', '=', id).executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) return undefined;
      return this.get(id);
    },

    /** A new signing secret; the current one keeps signing beside it until `overlapUntil` (null: stops now). */
    async rotateSecret(id: string, secret: string, overlapUntil: string | null): Promise<Subscription | undefined> {
      const res = await db
        .updateTable('subscriptions')
        .set((eb) => ({
          previous_secret: overlapUntil === null ? null : eb.ref('secret'),
          previous_secret_until: overlapUntil,
          secret: box.seal(secret),
          updated_at: new Date().toISOString(),
        }))
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 0 ? undefined : this.get(id);
    },

    async setState(id: string, s: { state: SubscriptionState; reason?: string | null; failures?: number; nextAttemptAt?: string | null }) {
      await db
        .updateTable('subscriptions')
        .set({
          state: s.state,
          state_reason: s.reason ?? null,
          ...(s.failures !== undefined && { failures: s.failures }),
          ...(s.nextAttemptAt !== undefined && { next_attempt_at: s.nextAttemptAt }),
          ...(s.state === 'disabled' && { enabled: 0 }),
          updated_at: new Date().toISOString(),
        })
        .where('id', '=', id)
        .execute();
    },

    /** One worker per subscription across nodes: a lease that a dead node's claim runs out of. */
    async lease(id: string, owner: string, ms: number): Promise<boolean> {
      const now = new Date();
      const res = await db
        .updateTable('subscriptions')
        .set({ lease_owner: owner, lease_until: new Date(now.getTime() + ms).toISOString() })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('lease_owner', 'is', null), eb('lease_owner', '=', owner), eb('lease_until', '<', now.toISOString())]))
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },

    async release(id: string, owner: string): Promise<void> {
      await db.updateTable('subscriptions').set({ lease_owner: null, lease_until: null }).where('id', '=', id).where('lease_owner', '=', owner).execute();
    },

    /** Gives back every subscription lease of a node found dead. */
    async releaseOwner(owner: string): Promise<void> {
      await db.updateTable('subscriptions').set({ lease_owner: null, lease_until: null }).where('lease_owner', '=', owner).execute();
    },

    /** Gives back every lease but `owner`'s: with one node per database (SQLite), leases of a previous run. */
    async releaseOthers(owner: string): Promise<void> {
      await db.updateTable('subscriptions').set({ lease_owner: null, lease_until: null }).where('lease_owner', 'is not', null).where('lease_owner', '!=', owner).execute();
    },

    async remove(id: string): Promise<boolean> {
      const res = await db.deleteFrom('subscriptions').where('id', '=', id).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },

    /** The earliest cursor of an enabled subscription: events after it are still to be delivered. */
    async minCursor(): Promise<number> {
      const [rows, delivered] = await Promise.all([db.selectFrom('subscriptions').select(['id', 'cursor']).where('enabled', '=', 1).execute(), cursors.all()]);
      return rows.reduce((min, r) => Math.min(min, Math.max(Number(r.cursor), delivered.get(r.id) ?? 0)), Number.MAX_SAFE_INTEGER);
    },
  };
}

export type SubscriptionStore = ReturnType<typeof subscriptionStore>;
