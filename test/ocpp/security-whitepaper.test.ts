import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCertificates } from '../helpers/certs.js';
import type { TestGateway } from '../helpers/gateway.js';
import { enginesAndVersions, gatewayWithCharger } from '../helpers/chargerSuite.js';
import type { Receiver } from '../../simulators/receiver/index.js';
import type { SimCharger } from '../../simulators/charger/charger.js';

const now = () => new Date().toISOString();

/** The 1.6 security whitepaper (edition 3) through the API and the simulator, and 2.0.1's certificate messages, on both engines. */
describe.each(enginesAndVersions)('security messages on %s over %s', (engine, protocol) => {
  const v16 = protocol === 'ocpp1.6';
  const id = `SECWP-${protocol.replace(/\W/g, '')}`;
  const certs = makeCertificates([id, 'SOMEONE-ELSE']);
  const csrOf = (name: string) => readFileSync(certs.file(`client-${name}.csr`), 'utf8');
  let t: TestGateway;
  let r: Receiver;
  let c: SimCharger;

  beforeAll(async () => {
    ({ t, r, c } = await gatewayWithCharger(engine, protocol, id, {
      gateway: { chargerCaCertFile: certs.file('ca.pem'), chargerCaKeyFile: certs.file('ca.key') },
      events: ['charger.security_event', 'charger.firmware_status', 'charger.diagnostics_status'],
    }));
  });
  afterAll(async () => {
    await t?.stop();
    await r?.close();
  });

  const command = (action: string, body: unknown) => t.api('POST', `/api/chargers/${id}/commands/${action}`, body);
  const statuses = (type: string) => r.deliveries.filter((d) => d.body.type === type && d.body.chargerId === id).map((d) => d.body.data);

  it('stores a SecurityEventNotification, lists it and publishes it', async () => {
    expect(await c.call('SecurityEventNotification', { type: 'SettingSystemTime', timestamp: now(), techInfo: 'NTP' })).toEqual({});
    const list = (await t.api('GET', `/api/chargers/${id}/security-events`)).body.items;
    expect(list[0]).toMatchObject({ type: 'SettingSystemTime', techInfo: 'NTP' });
    await expect.poll(() => statuses('charger.security_event'), { timeout: 15_000 }).toContainEqual(expect.objectContaining({ type: 'SettingSystemTime', ocppVersion: protocol.slice(4) }));
  });

  it("signs the charger's CSR with the configured CA when it is asked to, and sends it the certificate", async () => {
    c.security.csr = csrOf(id);
    const trigger = v16
      ? await command('ExtendedTriggerMessage', { requestedMessage: 'SignChargePointCertificate' })
      : await command('TriggerMessage', { requestedMessage: 'SignChargingStationCertificate' });
    expect(trigger.body.result).toEqual({ status: 'Accepted' });
    await expect.poll(() => c.security.signedChain, { timeout: 10_000 }).toBeDefined();
    const leaf = new X509Certificate(c.security.signedChain!);
    const ca = new X509Certificate(certs.ca);
    expect(leaf.subject).toBe(`CN=${id}`);
    expect(leaf.checkIssued(ca) && leaf.verify(ca.publicKey)).toBe(true);
    // The chain ends with the CA, so the charger can present it whole.
    expect(c.security.signedChain!.endsWith(ca.toString())).toBe(true);
    const signed = c.receivedCalls.find((x) => x.action === 'CertificateSigned')!;
    expect(signed.payload).toEqual(v16 ? { certificateChain: c.security.signedChain } : { certificateChain: c.security.signedChain, certificateType: 'ChargingStationCertificate' });
  });

  it('rejects a CSR for another charger id, or one that is not a CSR', async () => {
    const before = c.receivedCalls.filter((x) => x.action === 'CertificateSigned').length;
    expect(await c.call('SignCertificate', { csr: csrOf('SOMEONE-ELSE') })).toEqual({ status: 'Rejected' });
    expect(await c.call('SignCertificate', { csr: 'not a certificate request' })).toEqual({ status: 'Rejected' });
    expect(c.receivedCalls.filter((x) => x.action === 'CertificateSigned').length).toBe(before);
  });

  it('installs, lists and deletes a root certificate', async () => {
    const type = v16 ? 'CentralSystemRootCertificate' : 'CSMSRootCertificate';
    expect((await command('InstallCertificate', { certificateType: type, certificate: certs.ca.toString() })).body.result).toEqual({ status: 'Accepted' });
    const listed = (await command('GetInstalledCertificateIds', { certificateType: v16 ? type : [type] })).body.result;
    expect(listed.status).toBe('Accepted');
    const hash = v16 ? listed.certificateHashData[0] : listed.certificateHashDataChain[0].certificateHashData;
    expect(hash).toMatchObject({ hashAlgorithm: 'SHA256', serialNumber: new X509Certificate(certs.ca).serialNumber.toLowerCase() });
    expect((await command('DeleteCertificate', { certificateHashData: hash })).body.result).toEqual({ status: 'Accepted' });
    expect((await command('GetInstalledCertificateIds', { certificateType: v16 ? type : [type] })).body.result).toEqual({ status: 'NotFound' });
  });

  it.skipIf(!v16)('updates firmware with SignedUpdateFirmware and follows SignedFirmwareStatusNotification', async () => {
    const firmware = { location: 'https://firmware.example.com/sim-3.bin', retrieveDateTime: now(), signingCertificate: certs.ca.toString(), signature: 'c2lnbmF0dXJl' };
    expect((await command('SignedUpdateFirmware', { requestId: 77, firmware })).body.result).toEqual({ status: 'Accepted' });
    await expect.poll(() => statuses('charger.firmware_status').map((d) => d.status), { timeout: 15_000 }).toEqual(['Downloading', 'Downloaded', 'SignatureVerified', 'Installing', 'Installed']);
    expect(statuses('charger.firmware_status').every((d) => d.requestId === 77)).toBe(true);
    expect((await t.api('GET', `/api/chargers/${id}`)).body.firmwareStatus).toMatchObject({ status: 'Installed' });
  });

  it.skipIf(!v16)('uploads a security log with GetLog and follows LogStatusNotification', async () => {
    const res = await command('GetLog', { requestId: 78, logType: 'SecurityLog', log: { remoteLocation: 'https://logs.example.com/upload/' } });
    expect(res.body.result).toEqual({ status: 'Accepted', filename: `${id}-diagnostics.log` });
    await expect.poll(() => statuses('charger.diagnostics_status').map((d) => d.status), { timeout: 15_000 }).toEqual(['Uploading', 'Uploaded']);
    expect((await t.api('GET', `/api/chargers/${id}`)).body.diagnosticsStatus).toMatchObject({ status: 'Uploaded' });
  });

  it.skipIf(!v16)('answers ExtendedTriggerMessage for a message it can send', async () => {
    expect((await command('ExtendedTriggerMessage', { requestedMessage: 'Heartbeat' })).body.result).toEqual({ status: 'Accepted' });
    expect((await command('ExtendedTriggerMessage', { requestedMessage: 'Teleport' })).body).toMatchObject({ error: 'COMMAND_INVALID' });
  });

  it('refuses to set the Basic-auth password through a command: that is POST /api/chargers/{id}/password', async () => {
    const res = v16
      ? await command('ChangeConfiguration', { key: 'AuthorizationKey', value: '41'.repeat(16) })
      : await command('SetVariables', { setVariableData: [{ attributeValue: 'A'.repeat(16), component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' } }] });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'COMMAND_INVALID', details: [{ field: v16 ? 'key' : 'setVariableData' }] });
  });
});
