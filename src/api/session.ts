import { createHmac, randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Config } from '../config.js';
import type { Store } from '../store/index.js';
import type { User } from '../store/users.js';
import { hashSessionId } from '../store/userSessions.js';
import type { SessionInfo } from './caller.js';

export const SESSION_COOKIE = 'gw_session';

/** A session lookup writes last_seen_at at most this often (or a quarter of the idle limit), not on every request. */
const TOUCH_EVERY_MS = 60_000;

type SessionDeps = { config: Config; store: Store };

/**
 * The synchronizer token is derived from the session id, so nothing more is stored and it
 * cannot be computed without the cookie the browser keeps from scripts (HttpOnly).
 */
export const csrfTokenFor = (sessionId: string): string => createHmac('sha256', sessionId).update('csrf').digest('base64url');

/** A cookie the browser (or anyone) sent garbled is no cookie: undefined, never an exception. */
export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodedOrUndefined(part.slice(eq + 1).trim());
  }
  return undefined;
}

function decodedOrUndefined(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined; // a malformed escape (URIError)
  }
}

function cookie(req: Request, value: string, maxAgeSec: number): string {
  const secure = req.secure ? '; Secure' : '';
  return `${SESSION_COOKIE}=${value}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAgeSec}${secure}`;
}

export const clearSessionCookie = (req: Request, res: Response) => res.setHeader('Set-Cookie', cookie(req, '', 0));

const freshUntil = (config: Config, at: string | Date | null): Date | undefined =>
  at === null ? undefined : new Date(new Date(at).getTime() + config.secondFactorFreshMinutes * 60_000);

/** Signs `user` in: a new random session id in the cookie, only its hash in the store. */
export async function startSession(deps: SessionDeps, req: Request, res: Response, user: User, secondFactorProven: boolean): Promise<SessionInfo> {
  const id = randomBytes(32).toString('base64url');
  const now = new Date();
  const maxMs = deps.config.sessionMaxHours * 3_600_000;
  // Sign-ins are rare: a good moment to drop the sessions that ended meanwhile.
  await deps.store.userSessions.prune(now, deps.config.sessionIdleMinutes * 60_000);
  await deps.store.userSessions.create(id, user.id, new Date(now.getTime() + maxMs), secondFactorProven ? now : null);
  res.setHeader('Set-Cookie', cookie(req, id, Math.floor(maxMs / 1000)));
  return {
    idHash: hashSessionId(id),
    user,
    csrfToken: csrfTokenFor(id),
    enrolled: await deps.store.secondFactor.enrolled(user.id),
    freshUntil: secondFactorProven ? freshUntil(deps.config, now) : undefined,
  };
}

/** The live session behind a cookie value, or undefined when unknown, idle too long or past its end (then it is deleted). */
export async function resumeSession(deps: SessionDeps, sessionId: string): Promise<SessionInfo | undefined> {
  const session = await deps.store.userSessions.find(sessionId);
  if (!session) return undefined;
  const now = Date.now();
  const idleMs = deps.config.sessionIdleMinutes * 60_000;
  if (Date.parse(session.expiresAt) <= now || Date.parse(session.lastSeenAt) + idleMs <= now) {
    await deps.store.userSessions.remove(session.idHash);
    return undefined;
  }
  const user = await deps.store.users.get(session.userId);
  if (!user) return undefined;
  if (now - Date.parse(session.lastSeenAt) > Math.min(TOUCH_EVERY_MS, idleMs / 4)) await deps.store.userSessions.touch(session.idHash, new Date(now));
  return {
    idHash: session.idHash,
    user,
    csrfToken: csrfTokenFor(sessionId),
    enrolled: await deps.store.secondFactor.enrolled(user.id),
    freshUntil: freshUntil(deps.config, session.secondFactorAt),
  };
}

export async function markFresh(deps: SessionDeps, session: SessionInfo): Promise<Date> {
  const now = new Date();
  await deps.store.userSessions.markSecondFactor(session.idHash, now);
  session.freshUntil = freshUntil(deps.config, now);
  return session.freshUntil!;
}

export const isFresh = (session: SessionInfo): boolean => session.enrolled && session.freshUntil !== undefined && session.freshUntil.getTime() > Date.now();
