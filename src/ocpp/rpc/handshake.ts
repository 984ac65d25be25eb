import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

/** Basic credentials; colons in the user part and binary passwords are allowed (OCPP security whitepaper keys). */
const BASIC = /^ *(?:[Bb][Aa][Ss][Ii][Cc]) +([A-Za-z0-9._~+/-]+=*) *$/;

/**
 * The password of `Authorization: Basic`, when its user part is the charger id: the bytes after
 * `${chargerId}:` of the decoded credentials. Undefined for any other header (as if none was sent).
 */
export function basicPassword(header: string | undefined, chargerId: string): Buffer | undefined {
  const encoded = header === undefined ? undefined : BASIC.exec(header)?.[1];
  if (encoded === undefined) return undefined;
  const credentials = Buffer.from(encoded, 'base64');
  const user = Buffer.from(`${chargerId}:`);
  return user.compare(credentials, 0, user.length) === 0 ? credentials.subarray(user.length) : undefined;
}

/** The subprotocols a charger offers, in its order; undefined when the header is malformed. */
export function offeredProtocols(header: string | undefined): string[] | undefined {
  if (header === undefined) return [];
  const offered = header.split(',').map((p) => p.trim());
  return offered.every((p) => /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(p)) ? offered : undefined;
}

/** The first of ours, in our order of preference, that the charger offers; false when none. */
export function negotiate(preference: readonly string[], offered: Iterable<string>): string | false {
  const theirs = new Set(offered);
  return preference.find((p) => theirs.has(p)) ?? false;
}

/** Answers an upgrade with a plain HTTP status and closes the socket. */
export function refuseUpgrade(socket: Socket, status: number, reason: string): void {
  if (!socket.writable) return void socket.destroy();
  const body = `${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nConnection: close\r\nContent-Type: text/plain\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
