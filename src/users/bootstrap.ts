import { randomBytes } from 'node:crypto';
import type { UserStore } from '../store/users.js';
import { hashUserPassword } from './login.js';

/**
 * The first start with no users creates an admin user, so the portal can be signed in to.
 * Without a configured password one is generated and handed back once for main to print.
 */
export async function bootstrapAdminUser(users: UserStore, email: string, password: string | undefined): Promise<{ email: string; generatedPassword?: string } | undefined> {
  if ((await users.count()) > 0) return undefined;
  const generatedPassword = password ? undefined : randomBytes(18).toString('base64url');
  const created = await users.create({ email, name: 'Admin', passwordHash: await hashUserPassword(password ?? generatedPassword!), admin: true });
  // Another node sharing the database won the race: its password is the one that works.
  return created && { email, generatedPassword };
}
