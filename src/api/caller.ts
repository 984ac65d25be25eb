import type { Request } from 'express';
import { ApiError } from './errors.js';
import type { Role, User } from '../store/users.js';
import type { ApiToken } from '../store/apiTokens.js';
import type { AuditActor } from '../store/audit.js';

/** A signed-in portal session: what CSRF and the second-factor rules need. */
export interface SessionInfo {
  idHash: string;
  user: User;
  csrfToken: string;
  /** The user has a confirmed TOTP. */
  enrolled: boolean;
  /** Until when the second factor counts as fresh; undefined when never proven in this session. */
  freshUntil?: Date;
}

/**
 * Who is calling, attached to every /api request by the one auth middleware (src/api/auth.ts):
 * the configured admin token, a stored API token or a signed-in user.
 */
export interface Caller {
  kind: AuditActor['kind'];
  /** Token or user id; absent for the configured admin token. */
  id?: string;
  /** An email or a token label: what the audit log shows. */
  label: string;
  /** Operator admin: every installation, and the admin-only routes. */
  admin: boolean;
  /** Installation id → role; empty for admins, who need none. */
  roles: ReadonlyMap<string, Role>;
  session?: SessionInfo;
}

declare module 'express-serve-static-core' {
  interface Request {
    caller?: Caller;
  }
}

export const ADMIN_TOKEN_CALLER: Caller = { kind: 'admin-token', label: 'ADMIN_TOKEN', admin: true, roles: new Map() };

export function tokenCaller(token: ApiToken): Caller {
  const admin = token.role === 'admin';
  return {
    kind: 'token',
    id: token.id,
    label: token.label,
    admin,
    roles: new Map(admin ? [] : token.installations.map((id) => [id, token.role as Role])),
  };
}

export function userCaller(session: SessionInfo, memberships: { installationId: string; role: Role }[]): Caller {
  return {
    kind: 'user',
    id: session.user.id,
    label: session.user.email,
    admin: session.user.admin,
    roles: new Map(memberships.map((m) => [m.installationId, m.role])),
    session,
  };
}

/** The caller of an authenticated route (the middleware refuses anonymous requests before routes run). */
export function callerOf(req: Request): Caller {
  if (!req.caller) throw new ApiError('UNAUTHORIZED');
  return req.caller;
}

export function actorOf(caller: Caller): AuditActor {
  return { kind: caller.kind, ...(caller.id !== undefined && { id: caller.id }), label: caller.label };
}
