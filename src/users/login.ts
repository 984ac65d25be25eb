import type { UserStore, User } from '../store/users.js';
import { normaliseEmail } from '../store/users.js';
import { hashSecret, verifySecret, type ScryptCost } from '../passwords.js';
import type { FailureLimiter, Reservation } from './rateLimit.js';
import type { CodeCheck, SecondFactorService } from './secondFactor.js';
import type { SecondFactorStore } from '../store/secondFactor.js';

/**
 * User passwords are chosen by people, so the cost is higher than for charger passwords
 * (N=2^15, 32 MiB, some tens of ms): a leaked table resists guessing, and sign-ins are rare.
 */
export const USER_PASSWORD_COST: ScryptCost = { N: 32768, r: 8, p: 1 };

export const hashUserPassword = (password: string) => hashSecret(password, USER_PASSWORD_COST);

/** The sign-in limiter's key for an email (the other key is the client address). */
export const emailLimitKey = (email: string): string => `email:${normaliseEmail(email)}`;

export type LoginResult =
  | { ok: true; user: User; secondFactorProven: boolean; enrolled: boolean }
  | { ok: false; reason: 'rate_limited'; retryAfterSec: number }
  | { ok: false; reason: 'invalid_credentials' }
  | { ok: false; reason: 'second_factor_required'; codeSent: boolean; codeUsed: boolean };

export interface LoginDeps {
  users: UserStore;
  secondFactorStore: SecondFactorStore;
  secondFactor: SecondFactorService;
  limiter: FailureLimiter;
}

/** Verified against when the email is unknown, so both failures take the same time. */
let dummyHash: Promise<string> | undefined;

/**
 * Email and password, then the second factor when the user has one. Attempts count per email
 * and per client address, reserved before anything is checked so that attempts sent at once
 * cannot outrun the count; a wrong code counts too (it guards the code as much as the password).
 */
export async function login(deps: LoginDeps, input: { email: string; password: string; code?: string; address: string }): Promise<LoginResult> {
  const keys = [emailLimitKey(input.email), `addr:${input.address}`];
  const attempt = await deps.limiter.reserve(keys);
  if (!attempt) return { ok: false, reason: 'rate_limited', retryAfterSec: await deps.limiter.retryAfterSec(keys) };
  const found = await deps.users.findForLogin(input.email);
  dummyHash ??= hashUserPassword('not a password of anyone');
  const matches = await verifySecret(input.password, found?.passwordHash ?? (await dummyHash));
  if (!found || !matches) {
    await deps.limiter.failed(attempt);
    return { ok: false, reason: 'invalid_credentials' };
  }
  const { passwordHash: _hash, ...user } = found;
  const enrolled = await deps.secondFactorStore.enrolled(user.id);
  const code = enrolled ? await secondFactorPassed(deps, attempt, user.id, input.code) : 'accepted';
  if (code !== 'accepted') return { ok: false, reason: 'second_factor_required', codeSent: !!input.code, codeUsed: code === 'used' };
  // The email's earlier failures go with it: the person behind it has proven who they are.
  await deps.limiter.release(attempt, keys[0]);
  return { ok: true, user, secondFactorProven: enrolled, enrolled };
}

/** After the right password: no code gives the attempt back (nothing was guessed), a wrong one keeps it as a failure. */
async function secondFactorPassed(deps: LoginDeps, attempt: Reservation, userId: string, code: string | undefined): Promise<CodeCheck> {
  if (!code) {
    await deps.limiter.release(attempt);
    return 'invalid';
  }
  const checked = await deps.secondFactor.check(userId, code);
  if (checked !== 'accepted') await deps.limiter.failed(attempt);
  return checked;
}
