import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { parseBody } from '../validate.js';
import { callerOf, type SessionInfo } from '../caller.js';
import { clearSessionCookie, isFresh, markFresh, startSession } from '../session.js';
import { hashUserPassword, login, type LoginResult } from '../../users/login.js';
import { verifySecret } from '../../passwords.js';
import { auditEntry } from '../audit.js';
import { requireFreshSecondFactor } from '../scope.js';
import { userPasswordField } from './fields.js';
import { createFailureLimiter, type Reservation } from '../../users/rateLimit.js';
import { isTotpCode, secondFactorService } from '../../users/secondFactor.js';
import { normaliseEmail, type User } from '../../store/users.js';
import type { Logger } from '../../log.js';

export const loginBody = z.strictObject({
  email: z.string().max(320, 'must be at most 320 characters'),
  password: z.string().max(1024, 'must be at most 1024 characters'),
  code: z.string().max(64, 'must be at most 64 characters').optional(),
});

export const passwordBody = z.strictObject({
  currentPassword: z.string().max(1024, 'must be at most 1024 characters'),
  newPassword: userPasswordField,
});

export const codeBody = z.strictObject({ code: z.string().min(1, 'must not be empty').max(64, 'must be at most 64 characters') });

/** A used one-time code in words: what to do next depends on which kind it was. */
const usedCodeMessage = (code: string) =>
  isTotpCode(code)
    ? 'has already been used: wait for the next code in your authenticator app'
    : 'has already been used: each recovery code works once, take another one';
const codeUsed = (code: string) => new ApiError('VALIDATION_FAILED', 'The code has already been used', [{ field: 'code', message: usedCodeMessage(code) }]);
const codeRefused = () => new ApiError('VALIDATION_FAILED', 'The code is not valid', [{ field: 'code', message: 'is not a valid code' }]);

const userView = (u: User) => ({ id: u.id, email: u.email, name: u.name, admin: u.admin });

const secondFactorView = (s: SessionInfo) => ({
  enrolled: s.enrolled,
  fresh: isFresh(s),
  ...(isFresh(s) && { freshUntil: s.freshUntil!.toISOString() }),
});

/** Enrolment and step-up belong to a signed-in person; a token has no authenticator app. */
function sessionOf(req: Request): SessionInfo {
  const session = callerOf(req).session;
  if (!session) throw new ApiError('UNAUTHORIZED', 'Sign in to the portal first (POST /api/auth/login)');
  return session;
}

/** Sign-ins in the log, for an operator watching for guessing: who, from where, and how it ended (never the password or code). */
function logSignIn(log: Logger, result: LoginResult, who: { email: string; address: string; requestId?: string }): void {
  if (result.ok) log.info({ ...who, userId: result.user.id, secondFactor: result.secondFactorProven }, 'signed in');
  else if (result.reason === 'rate_limited') log.warn({ ...who, retryAfterSec: result.retryAfterSec }, 'sign-in locked out');
  else if (result.reason === 'invalid_credentials') log.warn({ ...who, reason: 'wrong email or password' }, 'sign-in failed');
  else if (result.codeSent) log.warn({ ...who, reason: result.codeUsed ? 'second factor code used before' : 'wrong second factor code' }, 'sign-in failed');
}

/** Portal sign-in: cookie sessions, TOTP enrolment and step-up. */
export function authRoutes(deps: ApiDeps): Router {
  const router = Router();
  const { config, store } = deps;
  // Built on first use: registeredRoutes() builds routers from a bare deps object.
  let services: { limiter: ReturnType<typeof createFailureLimiter>; secondFactor: ReturnType<typeof secondFactorService> } | undefined;
  const get = () =>
    (services ??= {
      limiter: createFailureLimiter(store.loginFailures, { maxFailures: () => config.loginMaxFailures, windowMs: config.loginFailureWindowMinutes * 60_000 }),
      secondFactor: secondFactorService(store.secondFactor, config.totpIssuer),
    });

  function refuseRateLimited(res: Response, retryAfterSec: number): never {
    res.setHeader('Retry-After', String(retryAfterSec));
    throw new ApiError('RATE_LIMITED', `Too many failed attempts; try again in ${retryAfterSec} s`);
  }

  /** Counts a guess at a secret of the signed-in user before it is checked; 429 once `key` has reached the limit. */
  async function reserveGuess(res: Response, key: string): Promise<Reservation> {
    const { limiter } = get();
    const attempt = await limiter.reserve([key]);
    if (!attempt) refuseRateLimited(res, await limiter.retryAfterSec([key]));
    return attempt;
  }

  router.post('/auth/login', async (req, res) => {
    const body = parseBody(loginBody, req.body);
    const { limiter, secondFactor } = get();
    const address = req.ip ?? 'unknown';
    const result = await login({ users: store.users, secondFactorStore: store.secondFactor, secondFactor, limiter }, { ...body, address });
    logSignIn(deps.log, result, { email: normaliseEmail(body.email), address, requestId: req.requestId });
    if (!result.ok) {
      if (result.reason === 'rate_limited') refuseRateLimited(res, result.retryAfterSec);
      if (result.reason === 'invalid_credentials') throw new ApiError('INVALID_CREDENTIALS');
      const message = result.codeUsed
        ? usedCodeMessage(body.code ?? '')
        : result.codeSent
          ? 'is not a valid code'
          : 'is required: this account has a second factor';
      throw new ApiError('SECOND_FACTOR_REQUIRED', `The code ${message}`, [{ field: 'code', message }], 401);
    }
    const session = await startSession(deps, req, res, result.user, result.secondFactorProven);
    res.json({ user: userView(result.user), csrfToken: session.csrfToken, secondFactor: secondFactorView(session) });
  });

  router.post('/auth/logout', async (req, res) => {
    await store.userSessions.remove(sessionOf(req).idHash);
    clearSessionCookie(req, res);
    res.status(204).end();
  });

  router.get('/auth/me', async (req, res) => {
    const session = sessionOf(req);
    const memberships = await store.users.memberships(session.user.id);
    res.json({ user: userView(session.user), csrfToken: session.csrfToken, memberships, secondFactor: secondFactorView(session) });
  });

  // A confirmed second factor is not replaced here: that would let a stolen session swap it.
  router.post('/auth/totp/enrol', async (req, res) => {
    const session = sessionOf(req);
    const enrolment = await get().secondFactor.enrol(session.user.id, session.user.email);
    if (!enrolment) throw new ApiError('CONFLICT', 'A second factor is already set up for this account');
    res.json(enrolment);
  });

  router.post('/auth/totp/confirm', async (req, res) => {
    const session = sessionOf(req);
    const { code } = parseBody(codeBody, req.body);
    const recoveryCodes = await get().secondFactor.confirm(session.user.id, code);
    if (!recoveryCodes) throw codeRefused();
    session.enrolled = true;
    // The code just proved the factor: no second prompt right after setting it up.
    await markFresh(deps, session);
    res.json({ recoveryCodes });
  });

  // Wrong codes count like failed sign-ins, per user, so a held session cannot guess its way in.
  router.post('/auth/step-up', async (req, res) => {
    const session = sessionOf(req);
    const { code } = parseBody(codeBody, req.body);
    if (!session.enrolled) throw new ApiError('SECOND_FACTOR_ENROLMENT_REQUIRED');
    const { limiter, secondFactor } = get();
    const attempt = await reserveGuess(res, `totp:${session.user.id}`);
    const checked = await secondFactor.check(session.user.id, code);
    if (checked !== 'accepted') {
      await limiter.failed(attempt);
      throw checked === 'used' ? codeUsed(code) : codeRefused();
    }
    await limiter.release(attempt);
    const freshUntil = await markFresh(deps, session);
    res.json({ freshUntil: freshUntil.toISOString() });
  });

  // Wrong current passwords count like failed sign-ins: a held session must not guess its way to a new password.
  router.post('/auth/password', async (req, res) => {
    const session = sessionOf(req);
    const body = parseBody(passwordBody, req.body);
    const { limiter } = get();
    const key = `password:${session.user.id}`;
    const attempt = await reserveGuess(res, key);
    const found = await store.users.findForLogin(session.user.email);
    if (!found || !(await verifySecret(body.currentPassword, found.passwordHash))) {
      await limiter.failed(attempt);
      throw new ApiError('VALIDATION_FAILED', 'The current password is wrong', [{ field: 'currentPassword', message: 'is not your current password' }]);
    }
    await limiter.release(attempt, key);
    const passwordHash = await hashUserPassword(body.newPassword);
    await store.transact(async (tx) => {
      await tx.users.update(session.user.id, { passwordHash });
      // Whoever else holds a session of this account (a stolen one, say) is signed out; this one stays.
      await tx.userSessions.removeAllOf(session.user.id, session.idHash);
      await tx.audit(auditEntry(req, { installationId: null, action: 'user.password_changed', target: session.user.email, changes: { password: { changed: true } } }));
    });
    res.status(204).end();
  });

  // Removing the factor needs the factor, freshly: a stolen session alone cannot strip it.
  router.delete('/auth/totp', async (req, res) => {
    const session = sessionOf(req);
    requireFreshSecondFactor(req);
    await store.transact(async (tx) => {
      await tx.secondFactor.remove(session.user.id);
      await tx.audit(auditEntry(req, { installationId: null, action: 'user.second_factor_removed', target: session.user.email }));
    });
    res.status(204).end();
  });

  return router;
}
