import type { RequestHandler } from 'express';
import { ApiError } from './errors.js';
import { sameText } from '../secrets.js';
import type { TokenCheck } from './adminToken.js';
import type { Config } from '../config.js';
import type { Store } from '../store/index.js';
import { userCaller, type Caller } from './caller.js';
import { readCookie, resumeSession, SESSION_COOKIE } from './session.js';

const BEARER = /^Bearer\s+(\S+)\s*$/i;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Routes anyone may call: signing in. */
const PUBLIC = new Set(['POST /auth/login']);

export interface AuthDeps {
  config: Config;
  store: Store;
  tokens: TokenCheck;
}

async function fromCookie(deps: AuthDeps, sessionId: string): Promise<Caller | undefined> {
  const session = await resumeSession(deps, sessionId);
  if (!session) return undefined;
  return userCaller(session, session.user.admin ? [] : await deps.store.users.memberships(session.user.id));
}

/**
 * The one place a request gets its caller: a bearer token (the configured admin token or a
 * stored, scoped one) wins; otherwise the portal's session cookie, whose unsafe requests must
 * carry the CSRF token. Everything under /api except signing in needs one of them.
 */
export function authenticate(deps: AuthDeps): RequestHandler {
  return (req, _res, next) => {
    const resolve = async (): Promise<void> => {
      const isPublic = PUBLIC.has(`${req.method} ${req.path}`);
      const header = req.headers.authorization;
      if (header) {
        const token = BEARER.exec(header)?.[1];
        const caller = token ? await deps.tokens.resolve(token) : undefined;
        if (!caller) throw new ApiError('UNAUTHORIZED', 'The bearer token is not valid');
        req.caller = caller;
        return;
      }
      const sessionId = readCookie(req, SESSION_COOKIE);
      const caller = sessionId ? await fromCookie(deps, sessionId) : undefined;
      if (caller && !isPublic && !SAFE_METHODS.has(req.method)) {
        const sent = req.headers['x-csrf-token'];
        if (typeof sent !== 'string' || !sameText(sent, caller.session!.csrfToken)) throw new ApiError('CSRF_FAILED');
      }
      if (!caller && !isPublic) throw new ApiError('UNAUTHORIZED');
      req.caller = caller;
    };
    resolve().then(() => next(), next);
  };
}

/** Operator-wide endpoints outside /api (/metrics): an admin bearer token only. */
export function requireAdminBearer(tokens: TokenCheck): RequestHandler {
  return (req, _res, next) => {
    const token = BEARER.exec(req.headers.authorization ?? '')?.[1];
    if (!token) return next(new ApiError('UNAUTHORIZED'));
    tokens.resolve(token).then(
      (caller) => next(caller?.admin ? undefined : new ApiError('UNAUTHORIZED', 'An admin bearer token is required')),
      next,
    );
  };
}
