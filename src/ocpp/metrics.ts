import { Counter, Gauge, type Registry } from 'prom-client';

/** How a CALL from a charger ended: answered, refused with an OCPP error, failed inside the gateway, or refused by the schema. */
export type MessageOutcome = 'ok' | 'call_error' | 'internal_error' | 'invalid';

const OUTCOMES: readonly MessageOutcome[] = ['ok', 'call_error', 'internal_error', 'invalid'];

type Tally = { n: number };
/** One action's counts, created once per action so that counting a message allocates nothing. */
export type ActionTallies = Record<MessageOutcome, Tally>;

export interface OcppMetrics {
  /** The counts of one action; connections look these up once, handlers bump `.n`. */
  action(name: string): ActionTallies | undefined;
  /** CALLs received so far, all actions and outcomes. */
  calls(): number;
}

/**
 * Connected chargers (read from the connection registry at scrape time) and CALLs by action
 * and outcome. Handlers run at thousands a second; like the decision counts they are tallied
 * in plain objects and copied into the counter when it is scraped.
 */
export function createOcppMetrics(registry: Registry, deps: { actions: readonly string[]; connected(): number }): OcppMetrics {
  const tallies = new Map<string, ActionTallies>();
  for (const action of deps.actions) {
    tallies.set(action, Object.fromEntries(OUTCOMES.map((o) => [o, { n: 0 }])) as ActionTallies);
  }
  new Gauge({
    name: 'gateway_connected_chargers',
    help: 'Chargers holding an OCPP connection to this node',
    registers: [registry],
    collect() {
      this.set(deps.connected());
    },
  });
  new Counter({
    name: 'gateway_ocpp_messages_total',
    help: 'CALLs received from chargers, by action and how they ended (ok, call_error, internal_error, invalid)',
    labelNames: ['action', 'outcome'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [action, byOutcome] of tallies) {
        for (const outcome of OUTCOMES) this.inc({ action, outcome }, byOutcome[outcome].n);
      }
    },
  });
  return {
    action: (name) => tallies.get(name),
    calls() {
      let n = 0;
      for (const byOutcome of tallies.values()) for (const outcome of OUTCOMES) n += byOutcome[outcome].n;
      return n;
    },
  };
}
