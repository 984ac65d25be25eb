import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../helpers/gateway.js';
import { enginesAndVersions, gatewayWithCharger } from '../helpers/chargerSuite.js';
import type { Receiver } from '../../simulators/receiver/index.js';
import type { SimCharger } from '../../simulators/charger/charger.js';

const retrieveAt = '2030-01-01T02:00:00Z';

/** Firmware Management through the API and the simulator: 1.6 UpdateFirmware/GetDiagnostics, 2.0.1 UpdateFirmware/GetLog, on both engines. */
describe.each(enginesAndVersions)('firmware management on %s over %s', (engine, protocol) => {
  const v16 = protocol === 'ocpp1.6';
  const id = `FW-${protocol.replace(/\W/g, '')}`;
  let t: TestGateway;
  let r: Receiver;
  let c: SimCharger;

  beforeAll(async () => {
    ({ t, r, c } = await gatewayWithCharger(engine, protocol, id, { events: ['charger.firmware_status', 'charger.diagnostics_status'] }));
  });
  afterAll(async () => {
    await t?.stop();
    await r?.close();
  });

  const command = (action: string, body: unknown) => t.api('POST', `/api/chargers/${id}/commands/${action}`, body);
  const charger = async () => (await t.api('GET', `/api/chargers/${id}`)).body;
  const statuses = (type: string) => r.deliveries.filter((d) => d.body.type === type && d.body.chargerId === id).map((d) => d.body.data.status);

  it('sends UpdateFirmware with the URL and time the operator gives, and follows the charger to Installed', async () => {
    const body = v16
      ? { location: 'https://firmware.example.com/sim-2.0.bin', retrieveDate: retrieveAt, retries: 3, retryInterval: 60 }
      : { requestId: 41, retries: 3, firmware: { location: 'https://firmware.example.com/sim-2.0.bin', retrieveDateTime: retrieveAt } };
    const res = await command('UpdateFirmware', body);
    expect(res.status).toBe(200);
    expect(res.body.result).toEqual(v16 ? {} : { status: 'Accepted' });
    expect(c.lastCall('UpdateFirmware')).toEqual({ action: 'UpdateFirmware', payload: body });
    await expect.poll(() => statuses('charger.firmware_status'), { timeout: 15_000 }).toEqual(['Downloading', 'Downloaded', 'Installing', 'Installed']);
    expect((await charger()).firmwareStatus).toMatchObject({ status: 'Installed' });
    if (!v16) expect(r.deliveries.find((d) => d.body.type === 'charger.firmware_status')!.body.data.requestId).toBe(41);
  });

  it(`has the charger upload its ${v16 ? 'diagnostics (GetDiagnostics)' : 'log (GetLog)'} and shows the upload's status`, async () => {
    const res = v16
      ? await command('GetDiagnostics', { location: 'ftp://logs.example.com/upload/', startTime: '2026-01-01T00:00:00Z' })
      : await command('GetLog', { requestId: 42, logType: 'DiagnosticsLog', log: { remoteLocation: 'https://logs.example.com/upload/' } });
    expect(res.body.result).toEqual(v16 ? { fileName: `${id}-diagnostics.log` } : { status: 'Accepted', filename: `${id}-diagnostics.log` });
    await expect.poll(() => statuses('charger.diagnostics_status'), { timeout: 15_000 }).toEqual(['Uploading', 'Uploaded']);
    expect((await charger()).diagnosticsStatus).toMatchObject({ status: 'Uploaded' });
  });

  it('names the missing field of an UpdateFirmware without a location', async () => {
    const res = await command('UpdateFirmware', v16 ? { retrieveDate: retrieveAt } : { requestId: 43, firmware: { retrieveDateTime: retrieveAt } });
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: any) => d.field)).toContain(v16 ? 'location' : 'firmware.location');
  });

  it.skipIf(v16)('refuses 1.6 GetDiagnostics to a 2.0.1 charger with COMMAND_NOT_SUPPORTED', async () => {
    const res = await command('GetDiagnostics', { location: 'ftp://x.example.com/' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('COMMAND_NOT_SUPPORTED');
  });
});
