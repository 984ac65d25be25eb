import { Counter, type Registry } from 'prom-client';
import type { TokenFetchOutcome } from './tokenService.js';

/** Token fetches from installations' authentication URLs, by outcome (ok, token_unreachable, token_rejected, token_malformed). */
export function createTokenFetchCounter(registry: Registry): (outcome: TokenFetchOutcome) => void {
  const counter = new Counter({
    name: 'gateway_token_fetches_total',
    help: 'Token fetches from authentication URLs, by outcome (ok, token_unreachable, token_rejected, token_malformed)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  // A fetch happens once per token lifetime per installation: rare enough to count directly.
  const children = {
    ok: counter.labels('ok'),
    token_unreachable: counter.labels('token_unreachable'),
    token_rejected: counter.labels('token_rejected'),
    token_malformed: counter.labels('token_malformed'),
  } satisfies Record<TokenFetchOutcome, unknown>;
  // Shown at 0 from the start, so a rate over them works before the first failure.
  for (const child of Object.values(children)) child.inc(0);
  return (outcome) => children[outcome].inc();
}
