import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { children, fromPem, read, type Element } from './der.js';

/** What a PKCS#10 request (RFC 2986) says, once its own signature checked out. */
export interface SigningRequest {
  /** The subject Name as sent, copied into the certificate. */
  subject: Buffer;
  /** Its commonName, which must be the charger's id. */
  commonName: string | undefined;
  /** SubjectPublicKeyInfo as sent. */
  publicKeyInfo: Buffer;
  publicKey: KeyObject;
}

/** The signature algorithms a CSR may use, by OID, with their digest. */
const DIGESTS: Record<string, string> = {
  '1.2.840.113549.1.1.11': 'sha256', // sha256WithRSAEncryption
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.3.2': 'sha256', // ecdsa-with-SHA256
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};

const COMMON_NAME = '2.5.4.3';

export function oidString(e: Element): string {
  const b = e.body;
  const parts = [Math.floor(b[0] / 40), b[0] % 40];
  let n = 0;
  for (const byte of b.subarray(1)) {
    n = n * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) (parts.push(n), (n = 0));
  }
  return parts.join('.');
}

/** The commonName of a Name (a SEQUENCE of SETs of type-and-value pairs). */
export function commonNameOf(name: Element): string | undefined {
  for (const rdn of children(name)) {
    for (const atv of children(rdn)) {
      const [type, value] = children(atv);
      if (oidString(type) === COMMON_NAME) return value.body.toString('utf8');
    }
  }
  return undefined;
}

/** Reads a PEM CSR and checks its signature with the key it carries; throws saying what is wrong. */
export function parseSigningRequest(pem: string): SigningRequest {
  const der = fromPem(pem, 'CERTIFICATE REQUEST') ?? fromPem(pem, 'NEW CERTIFICATE REQUEST');
  if (!der) throw new Error('not a PEM certificate request');
  const [info, algorithm, signature] = children(read(der));
  if (!info || !algorithm || !signature) throw new Error('not a PKCS#10 request');
  const [, subject, publicKeyInfo] = children(info);
  const digest = DIGESTS[oidString(children(algorithm)[0])];
  if (!digest) throw new Error('unsupported signature algorithm');
  const publicKey = createPublicKey({ key: publicKeyInfo.raw, format: 'der', type: 'spki' });
  // The BIT STRING's first byte counts unused bits: 0 for a signature.
  if (!verify(digest, info.raw, publicKey, signature.body.subarray(1))) throw new Error('the request is not signed by its own key');
  return { subject: subject.raw, commonName: commonNameOf(subject), publicKeyInfo: publicKeyInfo.raw, publicKey };
}
