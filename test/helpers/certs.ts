import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect as tlsConnect } from 'node:tls';
import { join } from 'node:path';

/** A throw-away CA, a server certificate for 127.0.0.1 and client certificates, made with openssl. */
export function makeCertificates(clientNames: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'gw-certs-'));
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const file = (name: string) => join(dir, name);
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=Test CA', '-keyout', 'ca.key', '-out', 'ca.pem');
  const issue = (name: string, cn: string, ext?: string) => {
    run('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${cn}`, '-keyout', `${name}.key`, '-out', `${name}.csr`);
    const extArgs = ext ? ['-extfile', file(`${name}.ext`)] : [];
    if (ext) writeFileSync(file(`${name}.ext`), ext);
    run('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-out', `${name}.pem`, ...extArgs);
  };
  issue('server', 'localhost', 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  for (const n of clientNames) issue(`client-${n}`, n);
  const client = (n: string) => ({ cert: readFileSync(file(`client-${n}.pem`)), key: readFileSync(file(`client-${n}.key`)) });
  /** A certificate that signs itself, with the given CN: no CA vouches for it. */
  const selfSigned = (cn: string) => {
    run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${cn}`, '-keyout', `self-${cn}.key`, '-out', `self-${cn}.pem`);
    return { cert: readFileSync(file(`self-${cn}.pem`)), key: readFileSync(file(`self-${cn}.key`)) };
  };
  return { dir, file, ca: readFileSync(file('ca.pem')), client, selfSigned, reissueServer: () => issue('server', 'localhost', 'subjectAltName=IP:127.0.0.1,DNS:localhost\n') };
}

/** The serial number of the certificate a TLS server on 127.0.0.1 shows a new connection. */
export function servedCertificateSerial(port: number, ca: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({ host: '127.0.0.1', port, ca, servername: 'localhost' }, () => {
      resolve(s.getPeerCertificate().serialNumber);
      s.end();
    });
    s.on('error', reject);
  });
}
