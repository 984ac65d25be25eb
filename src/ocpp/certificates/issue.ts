import { randomBytes, sign, type KeyObject, type X509Certificate } from 'node:crypto';
import { bitString, boolean, children, explicit, integer, octetString, oid, read, sequence, time, toPem, tlv } from './der.js';
import type { SigningRequest } from './csr.js';

/** The CA that signs charger certificates: its certificate and private key, as the operator configured them. */
export interface CertificateAuthority {
  certificate: X509Certificate;
  key: KeyObject;
  validityDays: number;
}

/** How the CA signs, by its key type: sha256WithRSAEncryption (with its NULL parameters) or ecdsa-with-SHA256. */
function signatureAlgorithm(key: KeyObject): Buffer {
  if (key.asymmetricKeyType === 'rsa') return sequence(oid('1.2.840.113549.1.1.11'), tlv(0x05));
  if (key.asymmetricKeyType === 'ec') return sequence(oid('1.2.840.10045.4.3.2'));
  throw new Error(`CA key type ${key.asymmetricKeyType} is not supported (RSA or EC)`);
}

const extension = (id: string, critical: boolean, value: Buffer) => sequence(oid(id), ...(critical ? [boolean(true)] : []), octetString(value));

/** An end-entity certificate for a charger's TLS client side (security profile 3). */
function extensions(): Buffer {
  return explicit(
    3,
    sequence(
      extension('2.5.29.19', true, sequence()), // basicConstraints: not a CA
      extension('2.5.29.15', true, tlv(0x03, Buffer.from([3, 0xa8]))), // keyUsage: digitalSignature, keyEncipherment, keyAgreement
      extension('2.5.29.37', false, sequence(oid('1.3.6.1.5.5.7.3.2'), oid('1.3.6.1.5.5.7.3.1'))), // extKeyUsage: clientAuth, serverAuth
    ),
  );
}

/** The subject Name of the CA's certificate: the issuer of what it signs. */
function subjectOf(cert: X509Certificate): Buffer {
  const tbs = children(children(read(cert.raw))[0]);
  // tbsCertificate: [0] version, serial, signature, issuer, validity, subject, …
  return tbs[tbs[0].tag === 0xa0 ? 5 : 4].raw;
}

/** Signs the request: the certificate chain (the new certificate, then the CA's) in PEM, as CertificateSigned carries it. */
export function issueCertificate(ca: CertificateAuthority, request: SigningRequest, now = new Date()): { pem: string; chain: string } {
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  const algorithm = signatureAlgorithm(ca.key);
  const notAfter = new Date(Math.min(now.getTime() + ca.validityDays * 86_400_000, Date.parse(ca.certificate.validTo)));
  const tbs = sequence(
    explicit(0, integer(2)),
    integer(serial),
    algorithm,
    subjectOf(ca.certificate),
    sequence(time(new Date(now.getTime() - 60_000)), time(notAfter)),
    request.subject,
    request.publicKeyInfo,
    extensions(),
  );
  const signature = sign('sha256', tbs, ca.key);
  const pem = toPem(sequence(tbs, algorithm, bitString(signature)), 'CERTIFICATE');
  return { pem, chain: pem + ca.certificate.toString() };
}
