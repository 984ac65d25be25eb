import type { TLSSocket } from 'node:tls';
import type { Socket } from 'node:net';
import { verifyPassword } from './chargerPassword.js';

export interface ConnectionFacts {
  chargerId: string;
  /** From `Authorization: Basic` when its username equals the charger id (src/ocpp/rpc/handshake.ts checks that). */
  password: Buffer | undefined;
  socket: Socket;
}

export interface Credentials {
  chargerProfile: number | null;
  installationProfile: number;
  passwordHash: string | null;
}

export type SecurityVerdict = { ok: true; profile: number } | { ok: false; profile: number; reason: string };

function tlsFacts(socket: Socket): { encrypted: boolean; authorized: boolean; cn: string | undefined } {
  const tls = socket as TLSSocket;
  if (!tls.encrypted) return { encrypted: false, authorized: false, cn: undefined };
  const cn = tls.getPeerCertificate?.()?.subject?.CN;
  return { encrypted: true, authorized: tls.authorized === true, cn: Array.isArray(cn) ? cn[0] : cn };
}

/** A Basic password the connection presented, still to be checked against the charger's hash. */
export interface PasswordToCheck {
  profile: number;
  password: Buffer;
  passwordHash: string;
}

/**
 * The OCPP 1.6 security whitepaper's profiles: 1 HTTP Basic (username = charger id), 2 the same
 * over TLS, 3 a client certificate from our CA whose CN is the charger id. 0 admits anyone who
 * knows a registered charger id (trusted networks and development only). Everything but the
 * password is judged here at once; the password, a guess to be counted first, is left to
 * `checkPassword`.
 */
export function checkSecurity(c: Credentials, f: ConnectionFacts): SecurityVerdict | PasswordToCheck {
  const profile = c.chargerProfile ?? c.installationProfile;
  if (profile === 0) return { ok: true, profile };
  const tls = tlsFacts(f.socket);
  if (profile >= 2 && !tls.encrypted) return { ok: false, profile, reason: 'profile requires TLS (wss)' };
  if (profile === 3) {
    if (!tls.authorized) return { ok: false, profile, reason: 'no client certificate signed by the configured CA' };
    if (tls.cn !== f.chargerId) return { ok: false, profile, reason: 'client certificate CN does not match the charger id' };
    return { ok: true, profile };
  }
  if (!f.password) return { ok: false, profile, reason: 'no Basic credentials for this charger id' };
  if (!c.passwordHash) return { ok: false, profile, reason: 'no password set for this charger' };
  return { profile, password: f.password, passwordHash: c.passwordHash };
}

export async function checkPassword(p: PasswordToCheck): Promise<SecurityVerdict> {
  if (!(await verifyPassword(p.password, p.passwordHash))) return { ok: false, profile: p.profile, reason: 'wrong password' };
  return { ok: true, profile: p.profile };
}
