import type { Request } from 'express';
import { ApiError, notFound } from './errors.js';
import { callerOf, type Caller } from './caller.js';
import { isFresh } from './session.js';
import type { Installation } from '../store/installations.js';

/** What a route needs of the caller on one installation: service is enough, or owner. */
export type Need = 'service' | 'owner';

/** True when the caller may act on this installation with the role `need` (admins always). */
export function mayAct(caller: Caller, installationId: string, need: Need): boolean {
  if (caller.admin) return true;
  const role = caller.roles.get(installationId);
  return role === 'owner' || (role === 'service' && need === 'service');
}

/**
 * The one scope check. An installation the caller may not act on is as absent as a missing
 * one (404: existence is not leaked). A member without a second factor on an installation that
 * requires one is told to enrol.
 */
export function checkInstallation(req: Request, installation: Installation | undefined, need: Need, what = 'Installation'): Installation {
  const caller = callerOf(req);
  if (!installation || !mayAct(caller, installation.id, need)) throw notFound(what);
  if (installation.requireSecondFactor && caller.session && !caller.admin && !caller.session.enrolled) {
    throw new ApiError('SECOND_FACTOR_ENROLMENT_REQUIRED', 'This installation requires a second factor: set one up first (POST /api/auth/totp/enrol)');
  }
  return installation;
}

/** The installation ids a caller's lists are filtered to; undefined: all (admins). */
export function visibleInstallations(req: Request, need: Need = 'service'): Set<string> | undefined {
  const caller = callerOf(req);
  if (caller.admin) return undefined;
  return new Set([...caller.roles].filter(([id]) => mayAct(caller, id, need)).map(([id]) => id));
}

export function requireAdmin(req: Request): void {
  if (!callerOf(req).admin) throw new ApiError('FORBIDDEN');
}

/**
 * Credentials and signing keys (an installation's authentication, subscriptions) need a fresh
 * second factor in a portal session. Bearer tokens are exempt: they are scoped credentials already.
 */
export function requireFreshSecondFactor(req: Request): void {
  const session = callerOf(req).session;
  if (!session) return;
  if (!session.enrolled) throw new ApiError('SECOND_FACTOR_ENROLMENT_REQUIRED');
  if (!isFresh(session)) throw new ApiError('SECOND_FACTOR_REQUIRED');
}

/** May the caller see credentials now? (The same rule, as a question, for replies that mask instead of refusing.) */
export function secretsUnlocked(req: Request): boolean {
  const session = callerOf(req).session;
  return !session || isFresh(session);
}
