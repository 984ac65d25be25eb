import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import type { StartOptions } from '../../src/app.js';
import type { SimCharger } from '../../simulators/charger/charger.js';
import { buildPortal, launchBrowser, screenshot } from './browser.js';

const ADMIN = { email: 'ops-admin@example.test', password: 'Ops-Admin-Pa55word-for-tests' };
const WAIT = { timeout: 10_000 };

/**
 * The operations page of one charger in a real browser: a command of each profile, its form
 * built from the charger's version's schema, the answer shown, what the gateway kept of it, and
 * the commands sent with who sent them.
 */
describe('charger operations page in a real browser', { timeout: 40_000 }, () => {
  let t: TestGateway;
  let browser: Browser;
  let page: Page;
  let base: string;
  let c16: SimCharger;
  let c201: SimCharger;

  beforeAll(async () => {
    await buildPortal();
    t = await startTestGateway('sqlite', { adminEmail: ADMIN.email, adminPassword: ADMIN.password } as StartOptions);
    base = `http://127.0.0.1:${t.gw.httpPort}`;
    await t.installation(['OPS-16', 'OPS-201'], [{ idTag: 'DRIVER-1' }]);
    c16 = t.charger('OPS-16', { connectors: 2, callTimeoutMs: 15_000 });
    c201 = t.charger('OPS-201', { protocol: 'ocpp2.0.1', callTimeoutMs: 15_000 });
    for (const c of [c16, c201]) {
      await c.connect();
      await c.boot();
    }
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1100, height: 900 } })).newPage();
    await page.goto(base);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('signed-in-as').waitFor(WAIT);
  }, 90_000);
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && page) await screenshot(page, `ops-failed-${ctx.task.name.replace(/\W+/g, '-')}`).catch(() => undefined);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  const form = () => page.getByTestId('send-command');
  /** An input of the generated form, by its field path (its label is the field's name, `*` when required). */
  const field = (path: string) => form().locator(`[name="${path}"]`);
  async function choose(action: string) {
    await form().getByLabel(/^Command/).selectOption(action);
  }
  async function sendAndRead(action: string): Promise<string> {
    await form().getByRole('button', { name: `Send ${action}` }).click();
    return (await page.getByTestId('command-answer').textContent(WAIT))!;
  }

  it("reserves a 1.6 connector from a form built from 1.6's ReserveNow, and shows the reservation and the answer", async () => {
    await page.goto(`${base}/chargers/OPS-16`);
    await page.getByTestId('charger-operations').waitFor(WAIT);
    await choose('ReserveNow');
    // Exactly the fields of the 1.6 schema, required ones marked.
    await field('connectorId').waitFor(WAIT);
    const labels = await form().locator('label:has([name])').allTextContents();
    expect(labels.map((l) => l.split('e.g.')[0].trim()).slice(1)).toEqual(['Connector id *', 'Expiry date *', 'Id tag *', 'Parent id tag', 'Reservation id *']);
    await field('connectorId').fill('1');
    await field('expiryDate').fill(new Date(Date.now() + 3_600_000).toISOString());
    await field('idTag').fill('DRIVER-1');
    await field('reservationId').fill('7');
    expect(await sendAndRead('ReserveNow')).toBe('{"status":"Accepted"}');
    expect(c16.lastCall('ReserveNow')).toMatchObject({ action: 'ReserveNow', payload: { connectorId: 1, idTag: 'DRIVER-1', reservationId: 7 } });
    await expect.poll(() => page.getByTestId('reservations').textContent(), WAIT).toContain('DRIVER-1');
    expect(await page.getByTestId('reservations').textContent()).toContain('active');
    await screenshot(page, 'ops-01-reservation');
  });

  it('shows the field the schema refuses under that field, and sends nothing', async () => {
    const sent = c16.receivedCalls.length;
    await choose('UpdateFirmware');
    await field('retrieveDate').fill('2030-01-01T02:00:00Z');
    await form().getByRole('button', { name: 'Send UpdateFirmware' }).click();
    await expect.poll(() => page.locator('[data-field-error="location"]').textContent(), WAIT).toContain('location');
    expect(c16.receivedCalls.length).toBe(sent);
    await field('location').fill('https://firmware.example.com/sim-2.bin');
    expect(await sendAndRead('UpdateFirmware')).toBe('{}');
    await page.reload();
    await expect.poll(() => page.getByTestId('firmware-status').textContent(), WAIT).toBe('Installed');
  });

  it('lists every command sent to the charger, who sent it and what it answered', async () => {
    const history = page.getByTestId('command-history');
    await history.waitFor(WAIT);
    const rows = await history.locator('tbody tr').allTextContents();
    expect(rows[0]).toContain('UpdateFirmware');
    expect(rows.at(-1)).toContain('ReserveNow');
    expect(rows.at(-1)).toContain(ADMIN.email);
    expect(rows.at(-1)).toContain('"status":"Accepted"');
    await screenshot(page, 'ops-02-history');
  });

  it('cancels a reservation from its row', async () => {
    const row = page.getByTestId('reservation-7');
    await row.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => row.textContent(), WAIT).toContain('cancelled');
    expect(c16.lastCall('CancelReservation')).toEqual({ action: 'CancelReservation', payload: { reservationId: 7 } });
    expect(await row.getByRole('button', { name: 'Cancel' }).count()).toBe(0);
  });

  it("sets a 2.0.1 charging profile from 2.0.1's nested form and shows it", async () => {
    await page.goto(`${base}/chargers/OPS-201`);
    await page.getByTestId('charger-operations').waitFor(WAIT);
    await choose('SetChargingProfile');
    await field('evseId').fill('0');
    expect(await form().getByTestId('group-chargingProfile').locator('legend').textContent()).toBe('Charging profile *');
    expect(await form().locator('label:has([name="evseId"])').textContent()).toContain('EVSE id *');
    await field('chargingProfile.id').fill('5');
    await field('chargingProfile.stackLevel').fill('0');
    await field('chargingProfile.chargingProfilePurpose').selectOption('ChargingStationMaxProfile');
    await field('chargingProfile.chargingProfileKind').selectOption('Absolute');
    await field('chargingProfile.chargingSchedule').fill(JSON.stringify([{ id: 1, startSchedule: '2030-01-01T00:00:00Z', chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 11000 }] }]));
    expect(await sendAndRead('SetChargingProfile')).toBe('{"status":"Accepted"}');
    await expect.poll(() => page.getByTestId('charging-profiles').textContent(), WAIT).toContain('ChargingStationMaxProfile');
    // 1.6-only commands are not offered to a 2.0.1 charger.
    expect(await form().getByLabel(/^Command/).locator('option', { hasText: 'GetDiagnostics' }).count()).toBe(0);
    await screenshot(page, 'ops-03-charging-profile');
  });

  it('holds a connected charger pending from its page, which asks it to boot again and answers that boot Pending, then accepts it', async () => {
    await page.goto(`${base}/chargers/OPS-201`);
    const registration = page.getByTestId('registration');
    await registration.waitFor(WAIT);
    expect(await registration.textContent()).toContain('accepted');
    const triggered = c201.waitForFrame((f) => Array.isArray(f) && f[2] === 'TriggerMessage' && (f[3] as any).requestedMessage === 'BootNotification', 10_000);
    await registration.getByRole('button', { name: 'Hold pending' }).click();
    await expect.poll(() => registration.textContent(), WAIT).toContain('answered Pending');
    await triggered;
    expect((await c201.boot()).status).toBe('Pending');
    await screenshot(page, 'ops-04-registration-pending');
    // The installation's charger list points a pending charger out.
    await page.getByRole('link', { name: '← Chargers' }).click();
    await expect.poll(() => page.getByTestId('charger-OPS-201').getByTestId('registration').textContent(), WAIT).toContain('pending');
    await page.goto(`${base}/chargers/OPS-201`);
    await registration.waitFor(WAIT);
    await registration.getByRole('button', { name: 'Accept' }).click();
    await expect.poll(() => registration.textContent(), WAIT).toContain('Its BootNotification is accepted');
    expect((await c201.boot()).status).toBe('Accepted');
  });
});
