/**
 * The little DER (X.690) a certificate signer needs: read one element, write the few types a
 * certificate holds. node:crypto parses certificates (X509Certificate) but neither reads a CSR
 * nor builds a certificate, and this is small enough to own.
 */

export interface Element {
  tag: number;
  /** The whole element, header included. */
  raw: Buffer;
  /** Its contents. */
  body: Buffer;
}

/** The element at `offset`; throws on anything truncated or longer than four length bytes. */
export function read(buf: Buffer, offset = 0): Element {
  if (offset + 2 > buf.length) throw new Error('DER: truncated header');
  const tag = buf[offset];
  let length = buf[offset + 1];
  let header = 2;
  if (length & 0x80) {
    const n = length & 0x7f;
    if (n === 0 || n > 4 || offset + 2 + n > buf.length) throw new Error('DER: bad length');
    length = buf.readUIntBE(offset + 2, n);
    header += n;
  }
  const end = offset + header + length;
  if (end > buf.length) throw new Error('DER: truncated element');
  return { tag, raw: buf.subarray(offset, end), body: buf.subarray(offset + header, end) };
}

/** The elements inside a constructed element (a SEQUENCE, a SET, a context tag). */
export function children(e: Element): Element[] {
  const out: Element[] = [];
  for (let at = 0; at < e.body.length; at += out[out.length - 1].raw.length) out.push(read(e.body, at));
  return out;
}

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export const tlv = (tag: number, ...parts: Buffer[]): Buffer => {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
};

export const sequence = (...parts: Buffer[]) => tlv(0x30, ...parts);
export const set = (...parts: Buffer[]) => tlv(0x31, ...parts);
export const explicit = (n: number, ...parts: Buffer[]) => tlv(0xa0 + n, ...parts);
export const bitString = (bytes: Buffer) => tlv(0x03, Buffer.from([0]), bytes);
export const octetString = (bytes: Buffer) => tlv(0x04, bytes);
export const boolean = (v: boolean) => tlv(0x01, Buffer.from([v ? 0xff : 0]));
export const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'));

/** A non-negative INTEGER from its big-endian bytes (a leading zero keeps it positive). */
export function integer(bytes: Buffer | number): Buffer {
  let b = typeof bytes === 'number' ? Buffer.from([bytes]) : bytes;
  while (b.length > 1 && b[0] === 0 && !(b[1] & 0x80)) b = b.subarray(1);
  return tlv(0x02, b[0] & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b);
}

export function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const bytes = [a * 40 + b];
  for (const n of rest) {
    const chunk = [n & 0x7f];
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** GeneralizedTime, as RFC 5280 allows for any date (UTCTime only until 2049). */
export function time(d: Date): Buffer {
  const s = d.toISOString().replace(/[-:T]/g, '').replace(/\.\d+Z$/, 'Z');
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(s.slice(2), 'ascii')) : tlv(0x18, Buffer.from(s, 'ascii'));
}

/** PEM of one type to DER; undefined when there is no such block. */
export function fromPem(pem: string, label: string): Buffer | undefined {
  const m = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+)-----END ${label}-----`).exec(pem);
  return m ? Buffer.from(m[1].replace(/\s+/g, ''), 'base64') : undefined;
}

export function toPem(der: Buffer, label: string): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
