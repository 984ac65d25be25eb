// What a simulated charger answers to the security messages: the 1.6 security whitepaper
// (edition 3) and their 2.0.1 counterparts. It keeps installed root certificates, the
// certificate the CSMS signed for it, and a CSR a test hands it (`charger.csr`).

import { createHash, X509Certificate } from 'node:crypto';
import type { SimCharger } from './charger.js';
import type { RemoteCommandHandler } from './remote-commands.js';

type Handler = RemoteCommandHandler<SimCharger>;

export interface InstalledCertificate {
  certificateType: string;
  pem: string;
  hash: { hashAlgorithm: 'SHA256'; issuerNameHash: string; issuerKeyHash: string; serialNumber: string };
}

/** The charger's certificates; `csr` is what it sends on SignChargePointCertificate. */
export class SecurityState {
  readonly installed: InstalledCertificate[] = [];
  csr: string | undefined;
  /** The chain CertificateSigned brought, its leaf first. */
  signedChain: string | undefined;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** The simulator's hashes of a certificate: stable for GetInstalledCertificateIds and DeleteCertificate to agree on. */
function hashOf(cert: X509Certificate): InstalledCertificate['hash'] {
  return { hashAlgorithm: 'SHA256', issuerNameHash: sha256(cert.issuer), issuerKeyHash: sha256(cert.publicKey.export({ format: 'der', type: 'spki' })), serialNumber: cert.serialNumber.toLowerCase() };
}

const parse = (pem: string): X509Certificate | undefined => {
  try {
    return new X509Certificate(pem);
  } catch {
    return undefined;
  }
};

const installCertificate: Handler = (p, c) => {
  const cert = parse(p.certificate);
  if (!cert) return { status: 'Rejected' };
  c.security.installed.push({ certificateType: p.certificateType, pem: p.certificate, hash: hashOf(cert) });
  return { status: 'Accepted' };
};

/** 1.6: one type, a flat list; 2.0.1: any types (none: all), each hash in a chain entry. */
const getInstalledCertificateIds: Handler = (p, c) => {
  const v16 = c.ocppVersion === '1.6';
  const types: string[] | undefined = v16 ? [p.certificateType] : p.certificateType;
  const found = c.security.installed.filter((i) => !types || types.includes(i.certificateType));
  if (found.length === 0) return { status: 'NotFound' };
  if (v16) return { status: 'Accepted', certificateHashData: found.map((i) => i.hash) };
  return { status: 'Accepted', certificateHashDataChain: found.map((i) => ({ certificateType: i.certificateType, certificateHashData: i.hash })) };
};

const deleteCertificate: Handler = (p, c) => {
  const h = p.certificateHashData;
  const at = c.security.installed.findIndex((i) => i.hash.serialNumber === h.serialNumber.toLowerCase() && i.hash.issuerNameHash === h.issuerNameHash && i.hash.issuerKeyHash === h.issuerKeyHash);
  if (at < 0) return { status: 'NotFound' };
  c.security.installed.splice(at, 1);
  return { status: 'Accepted' };
};

/** Accepted when the chain's leaf is a certificate for this charger's id. */
const certificateSigned: Handler = (p, c) => {
  const leaf = parse(p.certificateChain);
  if (!leaf || !leaf.subject.split('\n').includes(`CN=${c.id}`)) return { status: 'Rejected' };
  c.security.signedChain = p.certificateChain;
  return { status: 'Accepted' };
};

/** Installs at once after checking the signing certificate parses; progress comes as SignedFirmwareStatusNotification. */
const signedUpdateFirmware: Handler = (p, c, after) => {
  if (!parse(p.firmware.signingCertificate)) return { status: 'InvalidCertificate' };
  after(async () => {
    for (const status of ['Downloading', 'Downloaded', 'SignatureVerified', 'Installing', 'Installed']) {
      await c.call('SignedFirmwareStatusNotification', { status, requestId: p.requestId });
    }
  });
  return { status: 'Accepted' };
};

const EXTENDED_TRIGGERS: Record<string, (c: SimCharger, connectorId: number | undefined) => Promise<unknown>> = {
  BootNotification: (c) => c.boot(),
  Heartbeat: (c) => c.heartbeat(),
  StatusNotification: (c, connectorId) => c.status(connectorId ?? 0, 'Available'),
  LogStatusNotification: (c) => c.call('LogStatusNotification', { status: 'Idle' }),
  FirmwareStatusNotification: (c) => c.call('SignedFirmwareStatusNotification', { status: 'Idle' }),
  SignChargePointCertificate: (c) => c.call('SignCertificate', { csr: c.security.csr }),
};

const extendedTriggerMessage: Handler = (p, c, after) => {
  const trigger = EXTENDED_TRIGGERS[p.requestedMessage];
  if (!trigger) return { status: 'NotImplemented' };
  if (p.requestedMessage === 'SignChargePointCertificate' && !c.security.csr) return { status: 'Rejected' };
  after(() => trigger(c, p.connectorId));
  return { status: 'Accepted' };
};

export const securityCommands: ReadonlyMap<string, Handler> = new Map<string, Handler>([
  ['InstallCertificate', installCertificate],
  ['GetInstalledCertificateIds', getInstalledCertificateIds],
  ['DeleteCertificate', deleteCertificate],
  ['CertificateSigned', certificateSigned],
  ['SignedUpdateFirmware', signedUpdateFirmware],
  ['ExtendedTriggerMessage', extendedTriggerMessage],
]);
