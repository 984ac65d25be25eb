import type { Membership, User } from '../store/users.js';
import { api, setCsrfToken } from './api.js';

/** What GET /api/auth/me says about the signed-in person. */
export interface Me {
  user: User;
  csrfToken: string;
  memberships: Membership[];
  secondFactor: { enrolled: boolean; fresh: boolean; freshUntil?: string };
}

export async function loadMe(): Promise<Me> {
  const me = await api<Me>('GET', '/api/auth/me');
  setCsrfToken(me.csrfToken);
  return me;
}

export async function signIn(email: string, password: string, code?: string): Promise<Me> {
  const reply = await api<{ csrfToken: string }>('POST', '/api/auth/login', { email, password, ...(code ? { code } : {}) });
  setCsrfToken(reply.csrfToken);
  return loadMe();
}

export async function signOut(): Promise<void> {
  await api('POST', '/api/auth/logout').catch(() => undefined);
  setCsrfToken(undefined);
}

/** Owners and admins manage members and read the audit log; service users do not. */
export function roleIn(me: Me, installationId: string): 'admin' | 'owner' | 'service' | undefined {
  if (me.user.admin) return 'admin';
  return me.memberships.find((m) => m.installationId === installationId)?.role;
}
