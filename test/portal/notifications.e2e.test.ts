import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startReceiver, type Receiver } from '../../simulators/receiver/index.js';
import type { StartOptions } from '../../src/app.js';
import type { SimCharger } from '../../simulators/charger/charger.js';
import { buildPortal, launchBrowser, passSecondFactor as passSecondFactorIn, screenshot, subscribeInPortal } from './browser.js';

const ADMIN = { email: 'admin@example.test', password: 'Admin-Pa55word-for-tests' };
const WAIT = { timeout: 10_000 };
const CHARGER_CALL_MS = 15_000;
/** Until the owner copies the real one from the portal, the receiver knows no secret of ours. */
const UNKNOWN = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;

/**
 * The dashboard a site owner lands on, and notifications as they debug them, in the built portal
 * against the real gateway: the receiver simulator checks signatures, a simulated charger makes
 * real events. In order, on one page.
 */
describe('the dashboard and notifications in a real browser', { timeout: 40_000 }, () => {
  let t: TestGateway;
  let receiver: Receiver;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let base: string;
  let site: string;
  let charger: SimCharger;
  let firstSecret = '';
  let secondSecret = '';

  beforeAll(async () => {
    await buildPortal();
    receiver = await startReceiver({ secret: UNKNOWN, scheme: 'standard-webhooks' });
    t = await startTestGateway('sqlite', { adminEmail: ADMIN.email, adminPassword: ADMIN.password, notificationRetryDelaysMs: [50, 50, 50], notificationProbeMaxMs: 500 } as StartOptions);
    base = `http://127.0.0.1:${t.gw.httpPort}`;
    site = await t.installation(['HOOK-1', 'HOOK-2'], [{ idTag: 'CARD' }]);
    await t.api('PATCH', `/api/installations/${site}`, { name: 'Depot N' });
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1100, height: 900 }, permissions: ['clipboard-read', 'clipboard-write'] });
    page = await context.newPage();
    charger = t.charger('HOOK-1', { connectors: 1, callTimeoutMs: CHARGER_CALL_MS });
    await charger.connect();
    await charger.boot();
  }, 90_000);

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && page) await screenshot(page, `failed-notifications-${ctx.task.name.replace(/\W+/g, '-')}`).catch(() => undefined);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await t?.stop();
    await receiver?.close();
  });

  const totpSecrets = new Map<Page, string>();
  const passSecondFactor = (section: string) => passSecondFactorIn(page, section, totpSecrets);

  const log = () => page.getByTestId('delivery-log');
  /** The attempt log is written in batches: refresh until `rows` rows show. */
  async function logShows(rows: number): Promise<void> {
    await expect
      .poll(async () => {
        await log().getByRole('button', { name: 'Refresh log' }).click();
        return log().locator('[data-testid="deliveries"] > tbody > tr').count();
      }, WAIT)
      .toBe(rows);
  }

  it('subscribes with Standard Webhooks and copies the secret shown once', async () => {
    await page.goto(base);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const card = page.getByTestId(`dashboard-${site}`);
    await expect.poll(() => card.getByTestId('chargers-online').textContent(), WAIT).toBe('1 online');
    expect(await card.textContent()).toContain('1 online, 1 offline');
    await page.getByRole('link', { name: 'Depot N' }).click();
    await page.getByRole('link', { name: 'Notifications' }).click();
    await passSecondFactor('notifications');
    await subscribeInPortal(page, 'Billing', receiver.url, (form) => form.locator('select[name="signature"]').selectOption('standard-webhooks').then(() => undefined));
    const shown = page.getByTestId('subscription-secret');
    await shown.waitFor(WAIT);
    await page.getByRole('button', { name: 'Copy' }).click();
    await page.getByText('Copied.').waitFor(WAIT);
    firstSecret = await page.evaluate(() => navigator.clipboard.readText());
    expect(firstSecret).toBe(await shown.inputValue());
    expect(firstSecret).toMatch(/^whsec_/);
    receiver.setSecret(firstSecret);
  });

  it("sends a test of a picked event type: the catalogue's example, signed, with what was sent and answered", async () => {
    await page.getByTestId('subscriptions').getByRole('link', { name: 'Billing' }).click();
    const send = page.getByTestId('send-test');
    await send.locator('select[name="eventType"]').selectOption('session.stopped');
    await send.getByRole('button', { name: 'Send test' }).click();
    await send.getByText('Test: delivered (200)').waitFor(WAIT);
    const [got] = await receiver.waitFor(1);
    expect(got).toMatchObject({ verified: true, body: { type: 'session.stopped', installationId: site, chargerId: 'HOOK-1' } });
    await send.getByText('What was sent and answered').click();
    expect(await send.getByTestId('attempt-request-body').textContent()).toContain('"type": "session.stopped"');
    expect(await send.getByTestId('attempt-status').textContent()).toBe('HTTP 200');
    await screenshot(page, 'notifications-01-send-test');
  });

  it('shows a refused attempt with what was sent and answered, headers too, and filters the log by result and by event type', async () => {
    receiver.injectFault({ fault: { mode: 'status', status: 503, body: '{"error":"down for maintenance"}', headers: { 'content-type': 'application/json' } }, times: 1 });
    await charger.status(1, 'Preparing');
    await receiver.waitFor(2, 10_000);
    await logShows(3);
    await log().locator('select[name="status"]').selectOption('failed');
    await expect.poll(() => log().locator('[data-testid="deliveries"] > tbody > tr').count(), WAIT).toBe(1);
    await log().getByRole('button', { name: 'Details' }).click();
    const detail = log().getByTestId('attempt-detail');
    expect(await detail.getByTestId('attempt-status').textContent()).toBe('HTTP 503');
    expect(await detail.getByTestId('attempt-response-body').textContent()).toContain('down for maintenance');
    expect(await detail.getByTestId('attempt-request-body').textContent()).toContain('"type": "connector.status_changed"');
    // The headers sent (the signature, never the secret it was made with) and the ones that came back.
    const sent = (await detail.getByTestId('attempt-request-headers').textContent())!;
    expect(sent).toMatch(/^webhook-signature: v1,/m);
    expect(sent).toContain('content-type: application/json');
    expect(sent).not.toContain(firstSecret);
    expect(await detail.getByTestId('attempt-response-headers').textContent()).toContain('content-type: application/json');
    await screenshot(page, 'notifications-02-failed-attempt');
    await log().getByRole('button', { name: 'Details', expanded: true }).click();
    await log().locator('select[name="status"]').selectOption('');

    // By event type: the test of session.stopped alone, then the status change's two attempts.
    await log().locator('select[name="eventType"]').selectOption('session.stopped');
    await expect.poll(() => log().locator('[data-testid="deliveries"] > tbody > tr').count(), WAIT).toBe(1);
    await log().locator('select[name="eventType"]').selectOption('connector.status_changed');
    await expect.poll(() => log().locator('[data-testid="deliveries"] > tbody > tr').count(), WAIT).toBe(2);
    await log().locator('select[name="eventType"]').selectOption('');
  });

  it('retries every failed event since a time with one button', async () => {
    // 410 disables the subscription: that event is given up on until someone retries it.
    receiver.injectFault({ fault: { mode: 'status', status: 410 }, times: 1 });
    await charger.status(1, 'Charging');
    await expect.poll(async () => (await t.api('GET', `/api/subscriptions?installationId=${site}`)).body.items[0].state, WAIT).toBe('disabled');
    await page.getByText('← Subscriptions').click();
    await page.getByTestId('subscriptions').getByRole('link', { name: 'Billing' }).click();
    await page.getByRole('button', { name: 'Enable' }).click();
    await page.getByText('Enabled: active').waitFor(WAIT);
    await log().getByRole('button', { name: 'Retry all failed since then' }).click();
    await log().getByText('Retry all failed: sending 1 event again').waitFor(WAIT);
    const all = await receiver.waitFor(3, 10_000);
    expect(all[2].body.data.status).toBe('Charging');
  });

  it('rotates the secret with an overlap in which both secrets sign, so the receiver never refuses', async () => {
    const form = page.getByTestId('secret-form');
    await form.locator('select[name="overlapHours"]').selectOption('24');
    await form.getByRole('button', { name: 'Rotate the secret' }).click();
    const shown = page.getByTestId('shown-once');
    await shown.waitFor(WAIT);
    const second = await shown.getByTestId('secret').inputValue();
    secondSecret = second;
    expect(second).toMatch(/^whsec_/);
    expect(second).not.toBe(firstSecret);
    await screenshot(page, 'notifications-03-secret-rotated');
    await shown.getByRole('button', { name: 'Done, I have copied it' }).click();
    await page.getByTestId('secret-overlap').getByText('each event carries both signatures').waitFor(WAIT);
    expect(await page.content()).not.toContain(second);

    // The receiver switches to the new secret whenever it likes; meanwhile both sign.
    receiver.acceptSecrets([second, firstSecret]);
    await charger.status(1, 'Finishing');
    const all = await receiver.waitFor(4, 10_000);
    expect(all[3].signedWith).toEqual([second, firstSecret]);
  });

  it('sets a secret the owner chose, the old ones stopping at once', async () => {
    const chosen = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    const form = page.getByTestId('secret-form');
    await form.getByLabel('New secret').fill(chosen);
    await form.locator('select[name="overlapHours"]').selectOption('0');
    await form.getByRole('button', { name: 'Set this secret' }).click();
    const shown = page.getByTestId('shown-once');
    expect(await shown.getByTestId('secret').inputValue()).toBe(chosen);
    await shown.getByRole('button', { name: 'Done, I have copied it' }).click();
    expect(await page.getByTestId('secret-overlap').count()).toBe(0);

    receiver.acceptSecrets([chosen, secondSecret]);
    await charger.status(1, 'Available');
    const all = await receiver.waitFor(5, 10_000);
    expect(all[4].signedWith).toEqual([chosen]);
  });

  it('sets up a subscription with the ownership challenge, proven once the endpoint knows the secret', async () => {
    const owned = await startReceiver({ secret: 'not-yet-known-0123456789', scheme: 'hmac-sha256' });
    try {
      await page.getByText('← Subscriptions').click();
      await subscribeInPortal(page, 'Proven', owned.url, (form) => form.getByLabel('Ask the endpoint to prove it is mine').check());
      await page.getByText('Ownership: not proven (x-verify-token does not match)').waitFor(WAIT);
      owned.setSecret(await page.getByTestId('subscription-secret').inputValue());
      await page.getByTestId('subscriptions').getByRole('link', { name: 'Proven' }).click();
      await page.getByRole('button', { name: 'Verify ownership' }).click();
      await page.getByText('Ownership: the endpoint proved it is yours').waitFor(WAIT);
      // The state badge may render a moment after the ownership line (seen once on Node 24 in CI).
      await expect.poll(() => page.getByTestId('subscription-state').textContent(), WAIT).toBe('active');
      expect(owned.challenges).toHaveLength(2);
    } finally {
      await owned.close();
    }
  });

  it('sets up a Kafka subscription in the form', async () => {
    await page.getByText('← Subscriptions').click();
    await page.getByText('New subscription').click();
    const form = page.getByTestId('subscription-form');
    await form.getByLabel('Label').fill('Data lake');
    await form.locator('select[name="kind"]').selectOption('kafka');
    await form.getByLabel('Brokers').fill('127.0.0.1:9092, 127.0.0.1:9093');
    await form.getByLabel('Topic', { exact: true }).fill('gw-events');
    await form.locator('select[name="kafka.securityProtocol"]').selectOption('SASL_PLAINTEXT');
    await form.getByLabel('Username', { exact: true }).fill('lake');
    await form.getByLabel('Password', { exact: true }).fill('lake-pass-0123');
    // Only id tag changes: nothing is published to brokers that are not there.
    await form.getByLabel('all events').uncheck();
    await form.getByLabel('id_tag.changed').check();
    await form.getByRole('button', { name: 'Subscribe' }).click();
    const row = page.getByTestId('subscriptions').getByRole('row', { name: /Data lake/ });
    await row.waitFor(WAIT);
    expect(await row.textContent()).toContain('Kafka topic gw-events on 127.0.0.1:9092, 127.0.0.1:9093');
    const stored = (await t.api('GET', `/api/subscriptions?installationId=${site}`)).body.items.find((x: any) => x.label === 'Data lake');
    expect(stored.kafka).toMatchObject({ brokers: ['127.0.0.1:9092', '127.0.0.1:9093'], topic: 'gw-events', securityProtocol: 'SASL_PLAINTEXT', saslMechanism: 'PLAIN', username: 'lake', passwordSet: true });
    expect(await page.content()).not.toContain('lake-pass-0123');
    await screenshot(page, 'notifications-04-kafka');
  });

  it("lands on a dashboard with the day's sessions and energy, the last hour's decisions and a failing subscription that links to its page", async () => {
    receiver.injectFault({ fault: { mode: 'status', status: 503 } });
    expect(await charger.runSession({ idTag: 'CARD', meterIntervalMs: 10, meterSamples: 2, whPerSample: 500 })).toMatchObject({ startStatus: 'Accepted' });
    await expect.poll(async () => (await t.api('GET', `/api/subscriptions?installationId=${site}`)).body.items.find((x: any) => x.label === 'Billing').state, WAIT).toBe('queued');
    await page.getByRole('link', { name: 'Charging portal' }).click();
    const card = page.getByTestId(`dashboard-${site}`);
    await expect.poll(() => card.getByTestId('sessions-count').textContent(), WAIT).toBe('0 charging now, 1 today');
    expect(await card.getByTestId('energy-today').textContent()).toBe('1.0 kWh');
    // Decisions are stored every few seconds: reload until they show.
    await expect
      .poll(async () => {
        await page.reload();
        return card.getByTestId('decisions').textContent();
      }, { timeout: 15_000 })
      .toBe('2 by your id tags');
    const failing = card.getByTestId('failing-subscriptions');
    expect(await failing.textContent()).toContain('queued');
    await screenshot(page, 'dashboard-01-desktop');
    // Each figure leads to where it comes from.
    await card.getByTestId('sessions-count').click();
    await page.getByTestId('sessions').getByText('CARD').first().waitFor(WAIT);
    await page.getByRole('link', { name: 'Charging portal' }).click();
    await card.getByTestId('chargers-online').click();
    await page.getByTestId('charger-HOOK-1').waitFor(WAIT);
    await page.getByRole('link', { name: 'Charging portal' }).click();
    await failing.getByRole('link', { name: 'Billing' }).click();
    await passSecondFactor('subscription-detail');
    await page.getByTestId('subscription-detail').getByRole('heading', { name: /Billing/ }).waitFor(WAIT);
    expect(await page.getByTestId('subscription-state').textContent()).toBe('queued');
    receiver.clearFaults();
  });

  it('fits a phone screen on the subscription page and the dashboard', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      // Still on Billing's page, where the dashboard's link led.
      await log().getByRole('button', { name: 'Details' }).first().click();
      await log().getByTestId('attempt-detail').waitFor(WAIT);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await screenshot(page, 'notifications-05-phone');
      await page.getByRole('link', { name: 'Charging portal' }).click();
      await page.getByTestId(`dashboard-${site}`).waitFor(WAIT);
      expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
      await screenshot(page, 'dashboard-02-phone');
    } finally {
      await page.setViewportSize({ width: 1100, height: 900 });
    }
  });
});
