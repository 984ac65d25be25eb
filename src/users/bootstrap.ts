import { randomBytes } from 'node:crypto';
import type { UserStore } from '../store/users.js';
import { hashUserPassword } from './login.js';

export interface FirstAdmin {
  email: string;
  /** Only when no password was configured: main prints it once. */
  generatedPassword?: string;
  passwordHash: string;
}

/**
 * With no users yet, the admin user to create so the portal can be signed in to: its password
 * (generated without a configured one) is hashed now, while the rest starts.
 */
export async function prepareFirstAdmin(users: UserStore, email: string, password: string | undefined): Promise<FirstAdmin | undefined> {
  if ((await users.count()) > 0) return undefined;
  const generatedPassword = password ? undefined : randomBytes(18).toString('base64url');
  return { email, generatedPassword, passwordHash: await hashUserPassword(password ?? generatedPassword!) };
}

/** Stores it once the gateway listens, so a start that fails earlier leaves no password nobody saw. */
export async function createFirstAdmin(users: UserStore, first: FirstAdmin | undefined): Promise<{ email: string; generatedPassword?: string } | undefined> {
  if (!first) return undefined;
  const created = await users.create({ email: first.email, name: 'Admin', passwordHash: first.passwordHash, admin: true });
  // Another node sharing the database won the race: its password is the one that works.
  return created && { email: first.email, generatedPassword: first.generatedPassword };
}
