// Chargers running sessions back to back while a fault test breaks things, keeping a ledger of
// what the gateway acknowledged, what it refused and what never got an answer.

import { setTimeout as sleep } from 'node:timers/promises';
import { CallError, type SimCharger } from '../../simulators/charger/charger.js';

export interface AckedSession {
  chargerId: string;
  transactionId: number;
  /** Energy register values whose MeterValues got a CALLRESULT. */
  meters: number[];
  stopAcked: boolean;
}

export interface Ledger {
  sessions: AckedSession[];
  /** CALLERROR codes received, by code. */
  refused: Record<string, number>;
  /** Calls that ended without a reply (timeout, or the socket went away under them). */
  unanswered: string[];
  /** Sockets closed while the test did not close them. */
  dropped: string[];
}

export interface DriveOptions {
  idTag: string;
  /** Pause between two CALLs of a session, as a charger's own pace. */
  thinkMs: number;
  meterSamples: number;
  maxSessions: number;
  /** Attempts per CALL refused with a CALLERROR before the charger gives up on it. */
  maxAttempts: number;
  /** Checked before each new session. */
  stopped(): boolean;
}

export function newLedger(): Ledger {
  return { sessions: [], refused: {}, unanswered: [], dropped: [] };
}

/** Counts a socket the gateway closed, unless the test is closing it (`closing()`). */
export function watchDrops(charger: SimCharger, ledger: Ledger, closing: () => boolean): void {
  charger.on('close', (code: number) => {
    if (!closing()) ledger.dropped.push(`${charger.id} (${code})`);
  });
}

/**
 * Sends until acknowledged, as a real charger does with transaction messages: a CALLERROR is
 * counted and the same CALL sent again after a pause; no reply at all ends the charger's run.
 */
async function untilAcked<T>(charger: SimCharger, action: string, send: () => Promise<T>, ledger: Ledger, o: DriveOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (err) {
      if (!(err instanceof CallError)) {
        ledger.unanswered.push(`${charger.id} ${action}: ${(err as Error).message}`);
        throw err;
      }
      ledger.refused[err.code] = (ledger.refused[err.code] ?? 0) + 1;
      if (attempt === o.maxAttempts) throw err;
      await sleep(o.thinkMs * (0.5 + Math.random()));
    }
  }
}

/** Authorize → StartTransaction → MeterValues × n → StopTransaction, again and again. */
export async function driveSessions(charger: SimCharger, ledger: Ledger, o: DriveOptions): Promise<void> {
  const call = <T>(action: string, send: () => Promise<T>) => untilAcked(charger, action, send, ledger, o);
  const pause = () => sleep(o.thinkMs * (0.5 + Math.random()));
  await pause();
  for (let n = 0; n < o.maxSessions && !o.stopped(); n++) {
    await call('Authorize', () => charger.authorize(o.idTag));
    await pause();
    // One timestamp for every attempt: a start stored before its reply failed is then found again, not doubled.
    const timestamp = new Date().toISOString();
    const start = await call('StartTransaction', () => charger.startTransaction({ connectorId: 1, idTag: o.idTag, meterStart: charger.meterWh, timestamp }));
    const session: AckedSession = { chargerId: charger.id, transactionId: start.transactionId, meters: [], stopAcked: false };
    ledger.sessions.push(session);
    for (let i = 0; i < o.meterSamples; i++) {
      await pause();
      charger.meterWh += 100;
      const valueWh = charger.meterWh;
      await call('MeterValues', () => charger.meterValues({ connectorId: 1, transactionId: session.transactionId, valueWh }));
      session.meters.push(valueWh);
    }
    await pause();
    const stopTime = new Date().toISOString();
    await call('StopTransaction', () => charger.stopTransaction({ transactionId: session.transactionId, meterStop: charger.meterWh, idTag: o.idTag, reason: 'Local', timestamp: stopTime }));
    session.stopAcked = true;
  }
}

type TestStore = Awaited<ReturnType<typeof import('./databases.js').openTestStore>>;

/** What the gateway acknowledged and the database does not hold: a start, a stop or a meter value. */
export async function lostFrom(ledger: Ledger, store: TestStore): Promise<string[]> {
  const ids = ledger.sessions.map((s) => s.transactionId);
  const rows = ids.length ? await store.db.selectFrom('transactions').select(['id', 'stop_received_at']).where('id', 'in', ids).execute() : [];
  const stored = new Map(rows.map((r) => [r.id, r.stop_received_at !== null]));
  const meterRows = ids.length ? await store.db.selectFrom('meter_values').select(['transaction_id', 'sampled_value']).where('transaction_id', 'in', ids).execute() : [];
  const meters = new Set(meterRows.flatMap((r) => (JSON.parse(r.sampled_value) as { value: string }[]).map((v) => `${r.transaction_id}:${v.value}`)));
  return ledger.sessions.flatMap((s) => {
    const name = `${s.chargerId} transaction ${s.transactionId}`;
    if (!stored.has(s.transactionId)) return [`${name}: start`];
    const lost = s.meters.filter((wh) => !meters.has(`${s.transactionId}:${wh}`)).map((wh) => `${name}: meter value ${wh}`);
    return s.stopAcked && !stored.get(s.transactionId) ? [...lost, `${name}: stop`] : lost;
  });
}
