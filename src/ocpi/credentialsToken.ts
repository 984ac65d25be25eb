/**
 * The `Authorization: Token …` header (OCPI 2.2.1 §4.1.2): the credentials token, UTF-8, then
 * Base64. We always send it encoded. We accept it encoded and, as the spec's note allows for
 * 2.1.1/2.2 peers that never encoded it, also as sent: a header is tried decoded first, then raw.
 */
export function authorizationHeader(token: string): string {
  return `Token ${Buffer.from(token, 'utf8').toString('base64')}`;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const PRINTABLE = /^[\x21-\x7e]+$/;

/** The tokens the header may carry, most likely first; empty when there is no Token header. */
export function tokenCandidates(header: string | undefined): string[] {
  const m = /^Token +(\S+)\s*$/i.exec(header ?? '');
  if (!m) return [];
  const sent = m[1];
  const out: string[] = [];
  if (BASE64.test(sent) && sent.length % 4 === 0) {
    // The spec's own example encodes a trailing newline; a credentials token has no whitespace.
    const decoded = Buffer.from(sent, 'base64').toString('utf8').trim();
    if (PRINTABLE.test(decoded)) out.push(decoded);
  }
  if (!out.includes(sent)) out.push(sent);
  return out;
}
