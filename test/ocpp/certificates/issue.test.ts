import { execFileSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeCertificates } from '../../helpers/certs.js';
import { parseSigningRequest } from '../../../src/ocpp/certificates/csr.js';
import { issueCertificate } from '../../../src/ocpp/certificates/issue.js';

/** The CSR signer against openssl: what it issues, openssl verifies against the CA. */
describe('issuing charger certificates from a CSR', () => {
  const certs = makeCertificates(['CP-CSR-1']);
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: certs.dir, stdio: 'pipe' }).toString();
  const rsaCa = { certificate: new X509Certificate(certs.ca), key: createPrivateKey(readFileSync(certs.file('ca.key'))), validityDays: 365 };

  it('signs an RSA request with an RSA CA, for the subject and key of the request, and openssl verifies it', () => {
    const request = parseSigningRequest(readFileSync(certs.file('client-CP-CSR-1.csr'), 'utf8'));
    expect(request.commonName).toBe('CP-CSR-1');
    const { pem, chain } = issueCertificate(rsaCa, request);
    writeFileSync(certs.file('issued.pem'), pem);
    expect(run('verify', '-CAfile', 'ca.pem', '-purpose', 'sslclient', 'issued.pem')).toContain('issued.pem: OK');
    const cert = new X509Certificate(pem);
    expect(cert.subject).toBe('CN=CP-CSR-1');
    expect(cert.checkIssued(rsaCa.certificate)).toBe(true);
    expect(cert.publicKey.export({ format: 'der', type: 'spki' })).toEqual(request.publicKeyInfo);
    expect(cert.ca).toBe(false);
    // Not beyond the CA's own validity (two days here), though a year was asked for.
    expect(Date.parse(cert.validTo)).toBeLessThanOrEqual(Date.parse(rsaCa.certificate.validTo));
    expect(chain).toBe(pem + rsaCa.certificate.toString());
  });

  it('signs an EC request with an EC CA', () => {
    run('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ec-ca.key');
    run('req', '-x509', '-key', 'ec-ca.key', '-days', '30', '-subj', '/O=Gateway/CN=EC CA', '-out', 'ec-ca.pem');
    run('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ec-cp.key');
    run('req', '-new', '-key', 'ec-cp.key', '-subj', '/O=Sim/CN=CP-EC-1', '-out', 'ec-cp.csr');
    const ca = { certificate: new X509Certificate(readFileSync(certs.file('ec-ca.pem'))), key: createPrivateKey(readFileSync(certs.file('ec-ca.key'))), validityDays: 10 };
    const { pem } = issueCertificate(ca, parseSigningRequest(readFileSync(certs.file('ec-cp.csr'), 'utf8')));
    writeFileSync(certs.file('ec-issued.pem'), pem);
    expect(run('verify', '-CAfile', 'ec-ca.pem', 'ec-issued.pem')).toContain('OK');
    expect(new X509Certificate(pem).subject).toBe('O=Sim\nCN=CP-EC-1');
  });

  it('refuses a request whose signature does not match its content, or no request at all', () => {
    const pem = readFileSync(certs.file('client-CP-CSR-1.csr'), 'utf8');
    // A different subject with the old signature: the CN bytes change, the signature does not.
    const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
    const at = der.indexOf(Buffer.from('CP-CSR-1'));
    der.write('CP-CSR-2', at);
    const forged = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
    expect(() => parseSigningRequest(forged)).toThrow('not signed by its own key');
    expect(() => parseSigningRequest('hello')).toThrow('not a PEM certificate request');
    expect(() => parseSigningRequest('-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----')).toThrow();
  });
});
