import type { Logger } from '../log.js';
import type { Breaker } from './breaker.js';
import type { DecisionCache } from './decisionCache.js';
import { singleFlight } from './singleFlight.js';
import { ROAMING_SOURCE, type AuthorizationRequest, type AuthorizationStatus, type Authorizer, type Decision, type RoamingTokenRef } from './types.js';

/** OCPI AllowedType: the eMSP's answer to a real-time authorization. */
export type Allowed = 'ALLOWED' | 'BLOCKED' | 'EXPIRED' | 'NO_CREDIT' | 'NOT_ALLOWED';
export type Whitelist = 'ALWAYS' | 'ALLOWED' | 'ALLOWED_OFFLINE' | 'NEVER';

/** A token an eMSP pushed, as far as the decision needs it. */
export interface RoamingToken {
  partnerId: string;
  ref: RoamingTokenRef;
  valid: boolean;
  whitelist: Whitelist;
  groupId: string | null;
}

export type RealtimeAnswer =
  | { kind: 'answered'; allowed: Allowed; authorizationReference?: string; token?: RoamingTokenRef }
  | { kind: 'unknown' }
  | { kind: 'unreachable'; reason: string };

export interface RealtimeRequest {
  uid: string;
  /** OCPI TokenType. */
  type: string;
  installationId: string;
  chargerId: string;
  timeoutMs: number;
}

export interface RoamingDeps {
  /** Tokens pushed under this uid and type, any eMSP. */
  findTokens(uid: string, type: string): Promise<RoamingToken[]>;
  /** Registered partners that answer real-time authorization, in registration order. */
  realtimePartners(): Promise<string[]>;
  authorize(partnerId: string, req: RealtimeRequest): Promise<RealtimeAnswer>;
  /** The installation's provider deadline, which a real-time call shares. */
  timeoutMs(installationId: string): Promise<number>;
  /** Whitelist ALLOWED: ask the eMSP too (true) or let the pushed token decide (false). */
  realtimeForAllowed: boolean;
  cache: DecisionCache;
  breaker: Breaker;
  log: Logger;
}

/** OCPI AllowedType → the decision's status; 1.6 reads NoCredit and NotAtThisLocation as Invalid. */
const STATUS: Record<Allowed, AuthorizationStatus> = {
  ALLOWED: 'Accepted',
  BLOCKED: 'Blocked',
  EXPIRED: 'Expired',
  NO_CREDIT: 'NoCredit',
  NOT_ALLOWED: 'NotAtThisLocation',
};

/** OCPP id-token types as OCPI TokenType: card reads are RFID, a token of ours is an app's; others OCPI does not carry. */
export function tokenTypeOf(idTokenType: string | undefined): string | undefined {
  if (idTokenType === undefined || idTokenType === 'ISO14443' || idTokenType === 'ISO15693') return 'RFID';
  if (idTokenType === 'Central') return 'APP_USER';
  if (idTokenType === 'eMAID') return 'OTHER';
  return undefined;
}

/** 1.6 parentIdTag is CiString20: a longer group id is not passed on. */
const PARENT_MAX = 20;

function fromPushed(t: RoamingToken, reason: string): Decision {
  const roaming = { partnerId: t.partnerId, token: t.ref, authMethod: 'WHITELIST' as const };
  if (!t.valid) return { status: 'Invalid', source: ROAMING_SOURCE, reason: 'ocpi_token_not_valid', final: true, roaming };
  return { status: 'Accepted', source: ROAMING_SOURCE, reason, final: true, roaming, ...(t.groupId && t.groupId.length <= PARENT_MAX && { parentIdTag: t.groupId }) };
}

/**
 * OCPI partners as a source. A pushed token decides by its whitelist: ALWAYS from the token;
 * ALLOWED from the token (and the eMSP first when configured); ALLOWED_OFFLINE asks the eMSP
 * and falls back on the token when it cannot be reached; NEVER always asks and is never cached.
 * A token nobody pushed is asked of every real-time partner; unknown to all, it is left to later sources.
 * Calls share the webhook path's decision cache and deadline, and its breaker (one circuit per partner).
 */
export function roamingAuthorizer(deps: RoamingDeps): Authorizer {
  const flights = singleFlight<Decision>();

  async function call(partnerId: string, req: AuthorizationRequest, type: string): Promise<RealtimeAnswer> {
    if (!deps.breaker.tryAcquire(partnerId)) return { kind: 'unreachable', reason: 'breaker_open' };
    const answer = await deps.authorize(partnerId, { uid: req.idTag, type, installationId: req.installationId, chargerId: req.chargerId, timeoutMs: await deps.timeoutMs(req.installationId) });
    if (answer.kind === 'unreachable') {
      deps.breaker.failure(partnerId);
      deps.log.warn({ partnerId, reason: answer.reason }, 'OCPI partner unreachable for real-time authorization');
    } else deps.breaker.success(partnerId);
    return answer;
  }

  /** One partner's real-time answer as a decision; `pushed` is the fallback ALLOWED_OFFLINE and ALLOWED allow. */
  async function realtime(partnerId: string, req: AuthorizationRequest, type: string, pushed?: RoamingToken): Promise<Decision> {
    const cacheable = pushed?.whitelist !== 'NEVER';
    const cacheKey = `ocpi\u0000${partnerId}\u0000${type}\u0000${req.idTag}`;
    const cached = cacheable && !req.late ? deps.cache.fresh(req.installationId, cacheKey, req.trigger) : undefined;
    if (cached) return cached;
    return flights.run(`${req.installationId}\u0000${cacheKey.toUpperCase()}\u0000${req.trigger}\u0000${req.chargerId}`, async () => {
      const answer = await call(partnerId, req, type);
      if (answer.kind === 'unreachable') {
        const fallback = pushed && pushed.whitelist !== 'NEVER' ? fromPushed(pushed, `ocpi_whitelisted_while_unreachable:${answer.reason}`) : undefined;
        return fallback ?? { status: 'Invalid', source: ROAMING_SOURCE, reason: `ocpi_unreachable:${answer.reason}`, final: pushed !== undefined, roaming: { partnerId } };
      }
      const roaming = { partnerId, ...(!cacheable && { realtimeOnly: true }), authMethod: 'AUTH_REQUEST' as const };
      const decision: Decision =
        answer.kind === 'unknown'
          ? { status: 'Invalid', source: ROAMING_SOURCE, reason: 'ocpi_unknown_token', final: pushed !== undefined, roaming }
          : {
              status: STATUS[answer.allowed],
              source: ROAMING_SOURCE,
              reason: `ocpi_${answer.allowed.toLowerCase()}`,
              final: true,
              roaming: {
                ...roaming,
                ...(answer.authorizationReference && { authorizationReference: answer.authorizationReference }),
                ...((answer.token ?? pushed?.ref) && { token: answer.token ?? pushed?.ref }),
              },
            };
      if (cacheable && decision.final) deps.cache.remember(req.installationId, cacheKey, decision);
      return decision;
    });
  }

  return async (req, current) => {
    const type = tokenTypeOf(req.idTokenType);
    if (!type) return undefined;
    const [pushed] = await deps.findTokens(req.idTag, type);
    if (pushed) {
      if (pushed.whitelist === 'ALWAYS' || (pushed.whitelist === 'ALLOWED' && !deps.realtimeForAllowed)) return fromPushed(pushed, 'ocpi_whitelisted');
      return realtime(pushed.partnerId, req, type, pushed);
    }
    let last: Decision | undefined;
    for (const partnerId of await deps.realtimePartners()) {
      last = await realtime(partnerId, req, type);
      if (last.final) return last;
    }
    // Unknown to every partner (or none reachable): the chain's default, Invalid, stands unless a later source knows it.
    return { ...current, reason: last?.reason ?? 'ocpi_unknown_token' };
  };
}
