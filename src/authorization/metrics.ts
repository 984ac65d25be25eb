import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { StartOutcome } from '../providers/sessionStart.js';
import type { Breaker, BreakerState } from './breaker.js';
import type { Decision } from './types.js';

export interface AuthorizationMetrics {
  /** Every decision the chain hands back to a charger. */
  decided(decision: Decision): void;
  /** One session-start call that went out to a provider, by how it ended. */
  providerCall(outcome: StartOutcome['kind'], seconds: number): void;
}

/** Up to the 10 s ceiling of timeoutMs; a healthy provider on a LAN sits in the first buckets. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The provider's own refusal text follows `provider_refused:`; as a label it would make one
 * series per sentence a provider ever wrote, so the label keeps the code only.
 */
export function reasonLabel(reason: string): string {
  return reason.startsWith('provider_refused:') ? 'provider_refused' : reason;
}

type Tally = { n: number };

/**
 * Decisions run at the charger path's full rate, and prom-client's inc() builds and checks a label
 * hash on every call. So they are tallied in nested maps keyed by the label values (no allocation
 * once a combination has been seen) and copied into the counter when it is scraped.
 */
export function createAuthorizationMetrics(registry: Registry): AuthorizationMetrics {
  const tallies = new Map<string, Map<string, Map<string, Tally>>>();
  new Counter({
    name: 'gateway_authorization_decisions_total',
    help: 'Authorization decisions answered to chargers, by the source that decided, the status and the reason code',
    labelNames: ['source', 'status', 'reason'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [source, byStatus] of tallies) {
        for (const [status, byReason] of byStatus) {
          for (const [reason, tally] of byReason) this.inc({ source, status, reason }, tally.n);
        }
      }
    },
  });
  // Observed once per outbound call only (cache hits and an open breaker make none), small beside the call's own cost.
  const latency = new Histogram({
    name: 'gateway_provider_request_duration_seconds',
    help: 'Session-start calls to providers, token fetch included, until the answer is classified',
    labelNames: ['outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const outcomeLabels = { allowed: { outcome: 'allowed' }, refused: { outcome: 'refused' }, unreachable: { outcome: 'unreachable' } };

  return {
    decided({ source, status, reason }) {
      let byStatus = tallies.get(source);
      if (!byStatus) tallies.set(source, (byStatus = new Map()));
      let byReason = byStatus.get(status);
      if (!byReason) byStatus.set(status, (byReason = new Map()));
      const label = reasonLabel(reason);
      const tally = byReason.get(label);
      if (tally) tally.n++;
      else byReason.set(label, { n: 1 });
    },
    providerCall(outcome, seconds) {
      latency.observe(outcomeLabels[outcome], seconds);
    },
  };
}

const BREAKER_VALUES: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };

/**
 * Each provider's circuit (keyed by installation), read when scraped: one series per
 * installation that has called its provider since start, so bounded by the installations in provider mode.
 */
export function registerBreakerState(registry: Registry, breaker: Pick<Breaker, 'states'>, of: BreakerGauge = PROVIDER_BREAKERS): void {
  new Gauge({
    name: of.name,
    help: of.help,
    labelNames: [of.label] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [key, state] of breaker.states()) this.set({ [of.label]: key }, BREAKER_VALUES[state]);
    },
  });
}

/** Which circuits a breaker gauge shows, under which name and label. */
export interface BreakerGauge {
  name: string;
  help: string;
  label: string;
}

const PROVIDER_BREAKERS: BreakerGauge = {
  name: 'gateway_provider_breaker_state',
  help: 'Circuit breaker in front of each installation\'s provider: 0 closed, 1 half open (one probe allowed), 2 open',
  label: 'installation_id',
};

/** One circuit per OCPI partner (eMSP) asked in real time; bounded by the registered partners. */
export const ROAMING_BREAKERS: BreakerGauge = {
  name: 'gateway_ocpi_breaker_state',
  help: 'Circuit breaker in front of each OCPI partner\'s real-time authorization: 0 closed, 1 half open (one probe allowed), 2 open',
  label: 'partner_id',
};
