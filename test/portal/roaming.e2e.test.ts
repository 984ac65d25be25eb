import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import type { StartOptions } from '../../src/app.js';
import { buildPortal, enrolInBrowser, launchBrowser, screenshot } from './browser.js';
import { startEmsp, type MockEmsp } from '../../simulators/emsp/server.js';
import { OCPI_CONFIG } from '../ocpi/helpers.js';

const ADMIN = { email: 'admin@example.test', password: 'Admin-Pa55word-for-tests' };
const WAIT = { timeout: 10_000 };

/**
 * Roaming as an operator admin uses it: connect an e-mobility provider with the token it gave,
 * see its cards, put roaming providers in an installation's order of who decides, and a
 * provider that registers with a token the portal issued.
 */
describe('roaming providers in a real browser', { timeout: 40_000 }, () => {
  let t: TestGateway;
  let browser: Browser;
  let page: Page;
  let emsp: MockEmsp;
  let base: string;
  let site: string;

  beforeAll(async () => {
    await buildPortal();
    t = await startTestGateway('sqlite', { adminEmail: ADMIN.email, adminPassword: ADMIN.password, ...OCPI_CONFIG } as StartOptions);
    base = `http://127.0.0.1:${t.gw.httpPort}`;
    site = await t.installation(['ROAM-PORTAL-1']);
    await t.api('PATCH', `/api/installations/${site}`, { name: 'Depot R' });
    emsp = await startEmsp({ countryCode: 'NL', partyId: 'TNM' });
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1100, height: 900 } })).newPage();
  }, 90_000);

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await screenshot(page, `failed-roaming-${ctx.task.name.replace(/\W+/g, '-')}`).catch(() => undefined);
  });

  afterAll(async () => {
    await browser?.close();
    await emsp?.close();
    await t?.stop();
  });

  const row = (party: string) => page.getByTestId('roaming-partners').getByRole('row', { name: new RegExp(party) });

  it('connects a provider with the versions URL and token it gave, and shows the cards it sends', async () => {
    await page.goto(base);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('installations').waitFor(WAIT);
    await page.getByRole('banner').getByRole('link', { name: 'Roaming' }).click();
    await page.getByTestId('enrol').waitFor(WAIT);
    await enrolInBrowser(page);
    await page.getByTestId('roaming-page').waitFor(WAIT);

    await page.getByText('Connect a provider').click();
    const form = page.getByTestId('connect-partner');
    await form.getByLabel('Country code').fill('NL');
    await form.getByLabel('Party id').fill('TNMX');
    await form.getByRole('button', { name: 'Connect' }).click();
    await form.getByText('must be three letters or digits').waitFor(WAIT);
    expect(await form.getByLabel('Party id').getAttribute('aria-invalid')).toBe('true');

    await form.getByLabel('Party id').fill('TNM');
    await form.getByLabel("Provider's versions URL").fill(emsp.versionsUrl);
    await form.getByLabel("Provider's token").fill(emsp.issueTokenA());
    await form.getByRole('button', { name: 'Connect' }).click();
    await row('NL/TNM').getByText('connected').waitFor(WAIT);
    expect(await row('NL/TNM').textContent()).toContain('Mock eMSP');

    await emsp.pushToken({ uid: 'CARD-IN-PORTAL', whitelist: 'ALWAYS' });
    await row('NL/TNM').getByRole('button', { name: 'Cards of Mock eMSP' }).click();
    await page.getByTestId('partner-tokens').getByRole('cell', { name: 'CARD-IN-PORTAL', exact: true }).waitFor(WAIT);
  });

  it('puts roaming providers in an installation\'s order of who decides', async () => {
    await page.getByRole('link', { name: 'Charging portal' }).click();
    await page.getByRole('link', { name: 'Depot R' }).click();
    await page.getByRole('link', { name: 'Who decides' }).click();
    const order = page.getByTestId('authorization-sources');
    await order.getByRole('button', { name: 'Also ask Roaming providers (OCPI)' }).click();
    await order.getByRole('button', { name: 'Do not ask Your provider (web hook)' }).click();
    await order.getByRole('button', { name: 'Save order' }).click();
    await order.getByRole('status').getByText('Saved').waitFor(WAIT);
    expect(await order.getByTestId('source-order').locator('li').allTextContents()).toEqual([
      expect.stringContaining('Your own ID tags'),
      expect.stringContaining('Roaming providers (OCPI)'),
    ]);
    expect((await t.api('GET', `/api/installations/${site}/authorization-sources`)).body).toEqual({ sources: ['native', 'ocpi'], chosen: true });
  });

  it('puts the installation on the roaming providers\' map with its address, a bad field named under it', async () => {
    const where = page.getByTestId('location-form');
    await where.getByLabel('Street and number').fill('Stationsplein 1');
    await where.getByLabel('City').fill('Amsterdam');
    await where.getByLabel('Country (3 letters, e.g. NLD)').fill('NL');
    await where.getByLabel('Latitude (e.g. 52.37893)').fill('52.37893');
    await where.getByLabel('Longitude (e.g. 4.90060)').fill('4.90060');
    await where.getByLabel('Time zone (e.g. Europe/Amsterdam)').fill('Europe/Amsterdam');
    await where.getByRole('button', { name: 'Save location' }).click();
    await where.locator('[data-field-error="country"]').getByText('ISO 3166-1 alpha-3').waitFor(WAIT);
    expect((await t.api('GET', `/api/installations/${site}/location`)).body.location).toBeNull();

    await where.getByLabel('Country (3 letters, e.g. NLD)').fill('NLD');
    await where.getByRole('button', { name: 'Save location' }).click();
    await where.getByText('Roaming providers see it.').waitFor(WAIT);
    expect((await t.api('GET', `/api/installations/${site}/location`)).body).toMatchObject({ location: { city: 'Amsterdam', country: 'NLD' }, published: true });
    await screenshot(page, 'roaming-location');
  });

  it('issues a token for a provider that connects itself, shown once', async () => {
    await page.getByRole('banner').getByRole('link', { name: 'Roaming' }).click();
    await page.getByTestId('roaming-page').waitFor(WAIT);
    await page.getByText('Connect a provider').click();
    const form = page.getByTestId('connect-partner');
    await form.getByLabel('Country code').fill('DE');
    await form.getByLabel('Party id').fill('ABC');
    await form.getByRole('button', { name: 'Connect' }).click();
    const issued = page.getByTestId('roaming-issued');
    await issued.waitFor(WAIT);
    expect(await issued.getByLabel('Our versions URL').inputValue()).toBe(`${base}/ocpi/versions`);
    expect((await issued.getByLabel('Token A').inputValue()).length).toBeGreaterThan(20);
    await row('DE/ABC').getByText('waiting for the provider').waitFor(WAIT);
  });
});
