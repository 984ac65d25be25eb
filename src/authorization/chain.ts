import type { AuthorizationRequest, Authorizer, Decision, Guard } from './types.js';

/** The safe default: nobody charges unless a source says so. */
export const INVALID: Decision = Object.freeze({ status: 'Invalid', source: 'default', reason: 'no_source_accepted', final: false });

export interface AuthorizerDeps {
  authorizers: Authorizer[];
  guards?: Guard[];
  /** Told every decision handed back, in this one place, so counts cover every source. */
  decided?(decision: Decision, req: AuthorizationRequest): void;
}

export type Authorize = (req: AuthorizationRequest) => Promise<Decision>;

/**
 * An ordered chain that starts from Invalid. Sources run in order until one gives a final
 * decision; guards may then refuse an acceptance (never the other way round).
 */
export function createAuthorizer({ authorizers, guards = [], decided }: AuthorizerDeps): Authorize {
  return async (req) => {
    let decision: Decision = INVALID;
    for (const authorizer of authorizers) {
      const next = await authorizer(req, decision);
      if (!next) continue;
      decision = next;
      if (next.final) break;
    }
    if (decision.status === 'Accepted') {
      for (const guard of guards) {
        decision = await guard(req, decision);
        if (decision.status !== 'Accepted') break;
      }
    }
    decided?.(decision, req);
    return decision;
  };
}
