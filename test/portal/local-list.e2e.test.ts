import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import type { StartOptions } from '../../src/app.js';
import { buildPortal, launchBrowser, screenshot } from './browser.js';
import type { SimCharger } from '../../simulators/charger/charger.js';

const ADMIN = { email: 'lists-admin@example.test', password: 'Admin-Pa55word-for-lists' };
const WAIT = { timeout: 10_000 };

/** A site owner chooses the chargers' card list on the Authentication tab and sees each charger's list state on the Chargers tab. */
describe('card lists in the portal', { timeout: 60_000 }, () => {
  let t: TestGateway;
  let browser: Browser;
  let page: Page;
  let base: string;
  let withList: SimCharger;

  beforeAll(async () => {
    await buildPortal();
    t = await startTestGateway('sqlite', { adminEmail: ADMIN.email, adminPassword: ADMIN.password, localListDebounceMs: 20 } as StartOptions);
    base = `http://127.0.0.1:${t.gw.httpPort}`;
    const site = await t.installation(['LIST-1', 'NOLIST-1'], [{ idTag: 'CARD-1' }, { idTag: 'CARD-LOST', status: 'Blocked' }]);
    await t.api('PATCH', `/api/installations/${site}`, { name: 'Depot Lists' });
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1100, height: 900 } })).newPage();
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('saves the card list choice in words a site owner reads', async () => {
    await page.goto(base);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Depot Lists' }).click();
    await page.getByRole('link', { name: 'Authentication' }).click();
    const form = page.getByTestId('local-list-form');
    await form.waitFor(WAIT);
    await form.locator('select[name="mode"]').selectOption({ label: 'This installation’s cards (blocked and expired ones are refused offline)' });
    await form.getByRole('button', { name: 'Save card list' }).click();
    await form.getByText('Chargers get their new card list within seconds').waitFor(WAIT);
    await screenshot(page, 'local-list-setting');
    const installations = (await t.api('GET', '/api/installations')).body.items;
    expect(installations.find((i: { name: string }) => i.name === 'Depot Lists').localList).toEqual({ mode: 'native', recentDays: 30 });
  });

  it("shows each charger's list: in sync with its version and cards, or what a charger without one answered", async () => {
    await page.getByRole('link', { name: 'Chargers' }).click();
    withList = t.charger('LIST-1').enableLocalList();
    const without = t.charger('NOLIST-1');
    for (const c of [withList, without]) {
      await c.connect();
      await c.boot();
    }
    const synced = page.getByTestId('charger-LIST-1').getByTestId('local-list');
    await expect.poll(() => synced.getAttribute('data-state'), WAIT).toBe('in_sync');
    expect(await synced.textContent()).toContain('in sync · version 1, 2 cards');
    const refused = page.getByTestId('charger-NOLIST-1').getByTestId('local-list');
    await expect.poll(() => refused.getAttribute('data-state'), WAIT).toBe('not_supported');
    expect(await refused.textContent()).toContain('not supported by this charger · the charger answered: LocalAuthListEnabled: unknown key');
    await screenshot(page, 'local-list-chargers');
  });

  it('sends a charger its whole card list again on request, as a new version', async () => {
    const row = page.getByTestId('charger-LIST-1');
    await row.getByRole('button', { name: 'Send the card list again' }).click();
    const list = row.getByTestId('local-list');
    await expect.poll(() => list.textContent(), WAIT).toContain('in sync · version 2, 2 cards');
    expect(withList.localList.received.at(-1)).toMatchObject({ updateType: 'Full', version: 2, items: 2 });
  });
});
