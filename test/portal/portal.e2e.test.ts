import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { oauthPayload, PROVIDER_PASSWORD, PROVIDER_USER } from '../helpers/provider.js';
import { startProvider, type Provider } from '../../simulators/provider/index.js';
import { startReceiver, type Receiver } from '../../simulators/receiver/index.js';
import type { StartOptions } from '../../src/app.js';
import type { SimCharger } from '../../simulators/charger/charger.js';
import { buildPortal, fieldErrorAlone, launchBrowser, passSecondFactor as passSecondFactorIn, screenshot, subscribeInPortal } from './browser.js';
import { makeCertificates } from '../helpers/certs.js';

const ADMIN = { email: 'admin@example.test', password: 'Admin-Pa55word-for-tests' };
const SERVICE = { email: 'service@example.test', password: 'Service-Pa55word-for-tests' };
const WAIT = { timeout: 10_000 };
/** The browser, vite and the gateway share a busy machine: a charger waits as long as the UI steps do. */
const CHARGER_CALL_MS = 15_000;

/**
 * The portal as a site owner uses it: the built app in headless Chromium against the real
 * gateway, the provider simulator behind web hook authentication, a simulated charger and a
 * subscription receiver. The steps run in order on one signed-in page.
 */
describe('portal in a real browser', { timeout: 40_000 }, () => {
  let t: TestGateway;
  let provider: Provider;
  let receiver: Receiver;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let base: string;
  let siteA: string;
  let siteB: string;
  /** Each browser page plays its user's authenticator app. */
  const totpSecrets = new Map<Page, string>();
  let recoveryCodes: string[] = [];
  let charger: SimCharger;

  beforeAll(async () => {
    await buildPortal();
    provider = await startProvider({ users: { [PROVIDER_USER]: PROVIDER_PASSWORD }, rules: { allow: ['TAG-OK'] } });
    receiver = await startReceiver({ secret: 'unused-with-scheme-none', scheme: 'none' });
    // adminEmail/adminPassword: the first user, created at first start (users branch; ignored before).
    // A TLS port too, so the Chargers tab has a wss URL to show beside the ws one.
    const certs = makeCertificates([]);
    t = await startTestGateway('sqlite', {
      adminEmail: ADMIN.email, adminPassword: ADMIN.password, outboxPollMs: 50,
      ocppTlsPort: 0, tlsCertFile: certs.file('server.pem'), tlsKeyFile: certs.file('server.key'),
    } as StartOptions);
    base = `http://127.0.0.1:${t.gw.httpPort}`;
    siteA = await t.installation(['PORTAL-1', 'PORTAL-201']);
    siteB = await t.installation(['OTHER-1']);
    await t.api('PATCH', `/api/installations/${siteA}`, { name: 'Depot A' });
    await t.api('PATCH', `/api/installations/${siteB}`, { name: 'Depot B' });
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1100, height: 900 }, permissions: ['clipboard-read', 'clipboard-write'] });
    page = await context.newPage();
  }, 90_000);

  // What the page looked like when a step failed, next to the screenshots of the steps.
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && page) await screenshot(page, `failed-${ctx.task.name.replace(/\W+/g, '-')}`).catch(() => undefined);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await t?.stop();
    await provider?.close();
    await receiver?.close();
  });

  /** Enrol once (the recovery codes kept, and pictured), then a fresh code, until the section shows. */
  const passSecondFactor = (section: string, p: Page = page) =>
    passSecondFactorIn(p, section, totpSecrets, async (codes) => {
      if (p === page) recoveryCodes = codes;
      await screenshot(p, p === page ? '03-recovery-codes' : '12-service-user-recovery-codes');
    });

  it('serves the app for page paths and keeps JSON answers for /api', async () => {
    const res = await fetch(`${base}/installations/x/chargers`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<div id="app">');
    const api = await fetch(`${base}/api/nothing-here`, { headers: { authorization: 'Bearer x', accept: 'text/html' } });
    expect(api.headers.get('content-type')).toContain('application/json');
  });

  it('signs in and lists the installations', async () => {
    await page.goto(base);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await screenshot(page, '01-sign-in');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('installations').getByText('Depot A').waitFor(WAIT);
    expect(await page.getByTestId('signed-in-as').textContent()).toBe(ADMIN.email);
    await screenshot(page, '02-installations');
  });

  it('switches an installation to web hook authentication and tests it against the provider', async () => {
    await page.getByRole('link', { name: 'Depot A' }).click();
    await page.getByRole('link', { name: 'Authentication' }).click();
    await passSecondFactor('authentication-form');
    const form = page.getByTestId('authentication-form');
    expect(await form.getByTestId('who-decides').textContent()).toBe("The installation's own id tags decide.");
    expect(await form.getByLabel('Session start URL').count()).toBe(0);
    await form.getByLabel('Web hook authentication').check();
    expect(await form.getByTestId('who-decides').textContent()).toContain("Session start URL empty: the installation's own id tags decide");
    await form.getByLabel('Authentication URL').fill(provider.tokenUrl);
    await form.getByLabel('Authentication payload').fill(oauthPayload);
    await form.getByLabel('Session start URL').fill(provider.startUrl);
    await form.getByLabel('Session end URL').fill(provider.endUrl);
    expect(await form.getByTestId('who-decides').textContent()).toContain('The provider at the session start URL decides');
    expect(await form.getByTestId('offline-meaning').textContent()).toContain('the gateway refuses when the provider cannot be reached');
    await form.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved.').waitFor(WAIT);
    // Write-only: the payload is not shown back in clear.
    expect(await page.content()).not.toContain(PROVIDER_PASSWORD);

    await page.getByLabel('Test id tag').fill('TAG-OK');
    await page.getByRole('button', { name: 'Test' }).click();
    await page.getByTestId('authentication-test-result').waitFor(WAIT);
    expect(await page.getByTestId('decision').textContent()).toBe('Accepted');
    await screenshot(page, '04-authentication-test');
  });

  it('shows an API error next to the field it names', async () => {
    const form = page.getByTestId('authentication-form');
    // The browser takes any URL; the gateway only calls http(s) ones, and says so under the field.
    await form.getByLabel('Session end URL').fill('ftp://provider.example/end');
    await form.getByRole('button', { name: 'Save' }).click();
    expect(await fieldErrorAlone(form, 'sessionEndUrl')).toContain('http or https');
    await form.getByLabel('Session end URL').fill(provider.endUrl);
  });

  it('shows a simulated charger come online without a reload', async () => {
    await page.getByRole('link', { name: 'Chargers' }).click();
    const card = page.getByTestId('charger-PORTAL-1');
    await card.waitFor(WAIT);
    expect(await card.getAttribute('data-online')).toBe('false');
    await expect.poll(() => page.getByTestId('live-state').textContent(), WAIT).toBe('live');

    charger = t.charger('PORTAL-1', { connectors: 1, callTimeoutMs: CHARGER_CALL_MS });
    await charger.connect();
    await charger.boot();
    await charger.status(1, 'Available');
    await expect.poll(() => card.getAttribute('data-online'), WAIT).toBe('true');
    await expect.poll(() => card.getByTestId('connector-1').textContent(), WAIT).toContain('Available');
    await screenshot(page, '05-chargers-live');

    await card.getByText('Commands').click();
    await card.getByRole('button', { name: 'Unlock' }).click();
    await card.getByText('UnlockConnector: Unlocked').waitFor(WAIT);
  });

  it("sends a 2.0.1 charger the commands of its version, with that version's forms", async () => {
    const v201 = t.charger('PORTAL-201', { protocol: 'ocpp2.0.1', callTimeoutMs: CHARGER_CALL_MS });
    v201.onCall('RequestStartTransaction', () => ({ status: 'Accepted' }));
    v201.onCall('GetVariables', ({ getVariableData: [{ component, variable }] }) => ({
      getVariableResult: [{ attributeStatus: 'Accepted', attributeValue: '300', component, variable }],
    }));
    await v201.connect();
    const card = page.getByTestId('charger-PORTAL-201');
    await expect.poll(() => card.getAttribute('data-online'), WAIT).toBe('true');
    await expect.poll(() => card.getByTestId('ocpp-version').textContent(), WAIT).toBe('OCPP 2.0.1');

    await card.getByText('Commands').click();
    await card.getByLabel('Id tag (for start)').fill('TOKEN-201');
    await card.getByLabel('Id token type').selectOption('ISO14443');
    await card.getByRole('button', { name: 'Start' }).click();
    await card.getByText('RequestStartTransaction: Accepted').waitFor(WAIT);
    expect(v201.lastCall('RequestStartTransaction')).toMatchObject({
      action: 'RequestStartTransaction',
      payload: { idToken: { idToken: 'TOKEN-201', type: 'ISO14443' }, evseId: 1 },
    });
    await card.getByRole('button', { name: 'Get variable' }).click();
    await card.getByText('GetVariables: Accepted 300').waitFor(WAIT);
    await screenshot(page, '05-chargers-ocpp201-commands');

    const attr = (value: string) => [{ type: 'Actual', value }];
    const at = new Date().toISOString();
    await v201.call('NotifyReport', {
      requestId: 1, generatedAt: at, seqNo: 0, reportData: [
        { component: { name: 'ChargingStation' }, variable: { name: 'VendorName' }, variableAttribute: attr('Alfen') },
        { component: { name: 'ChargingStation' }, variable: { name: 'Model' }, variableAttribute: attr('Eve Double') },
        { component: { name: 'Connector', evse: { id: 1, connectorId: 1 } }, variable: { name: 'ConnectorType' }, variableAttribute: attr('cType2') },
      ],
    });
    await v201.call('SecurityEventNotification', { type: 'TamperDetectionActivated', timestamp: at, techInfo: 'lid opened' });
    await page.reload();
    await card.getByText('Device model').click();
    await expect.poll(() => card.getByTestId('device-model').textContent(), WAIT).toContain('Alfen Eve Double');
    expect(await card.getByTestId('evse-1').textContent()).toBe('EVSE 1: connector 1 (cType2)');
    await card.getByText('Security events').click();
    await expect.poll(() => card.getByTestId('security-event').first().textContent(), WAIT).toContain('TamperDetectionActivated');
    expect(await card.getByTestId('security-event').first().textContent()).toContain('lid opened');
    await screenshot(page, '05-chargers-ocpp201-device');
  });

  it('shows what to configure in a charger: both OCPP URLs with a Copy button, its security profile and password state', async () => {
    const card = page.getByTestId('charger-PORTAL-201');
    const connect = card.getByTestId('connect');
    await card.getByText('Connect this charger').click();
    const wsUrl = `ws://127.0.0.1:${t.gw.ocppPort}/ocpp/PORTAL-201`;
    expect(await connect.getByTestId('ocpp-url-ws').inputValue()).toBe(wsUrl);
    expect(await connect.getByTestId('ocpp-url-wss').inputValue()).toBe(`wss://127.0.0.1:${t.gw.ocppTlsPort}/ocpp/PORTAL-201`);
    expect(await connect.getByTestId('security-state').textContent()).toBe("Security profile: the installation's · no Basic-auth password set");
    await connect.getByRole('button', { name: 'Copy' }).first().click();
    await connect.getByText('Copied.').waitFor(WAIT);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(wsUrl);

    // The charger accepts a new password (SetVariables BasicAuthPassword) and gets profile 1 of its own.
    expect((await t.api('POST', '/api/chargers/PORTAL-201/password', {})).status).toBe(201);
    expect((await t.api('PUT', '/api/chargers/PORTAL-201/security-profile', { securityProfile: 1 })).status).toBe(200);
    await page.reload();
    await card.getByText('Connect this charger').click();
    await expect.poll(() => connect.getByTestId('security-state').textContent(), WAIT).toMatch(/^Security profile 1 · Basic-auth password set /);
    await screenshot(page, '05-chargers-connect');
  });

  it('runs a session and finds it in Sessions with its energy', async () => {
    if (!charger) {
      // The live step failed before connecting it; this step does not depend on live updates.
      charger = t.charger('PORTAL-1', { connectors: 1, callTimeoutMs: CHARGER_CALL_MS });
      await charger.connect();
      await charger.boot();
    }
    const session = await charger.runSession({ idTag: 'TAG-OK', meterSamples: 2, whPerSample: 500, meterIntervalMs: 10 });
    expect(session.startStatus).toBe('Accepted');
    await page.getByRole('link', { name: 'Sessions' }).click();
    const row = page.getByTestId(`session-${session.transactionId}`);
    await row.waitFor(WAIT);
    await row.getByRole('link', { name: String(session.transactionId) }).click();
    await page.getByTestId('session-detail').waitFor(WAIT);
    await expect.poll(() => page.getByTestId('energy').textContent(), WAIT).toMatch(/\d+ Wh/);
    await screenshot(page, '06-session-detail');
  });

  it('filters sessions by id tag, status, charger and days, shows the energy of one still charging, and downloads the same list as CSV', async () => {
    const { transactionId } = await charger.startTransaction({ connectorId: 1, idTag: 'TAG-OK', meterStart: 10_000 });
    await charger.meterValues({ connectorId: 1, transactionId, valueWh: 11_250 });
    await page.getByRole('link', { name: '← Sessions' }).click();
    const row = page.getByTestId(`session-${transactionId}`);
    await expect.poll(() => row.getByTestId('session-energy').textContent(), WAIT).toBe('1.25 kWh so far');

    await page.getByLabel('Id tag').fill('tag-ok');
    await page.getByLabel('Status').selectOption('charging');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => page.getByTestId('sessions').locator('tbody tr').count(), WAIT).toBe(1);
    const csv = await page.getByRole('button', { name: 'Export CSV' }).getAttribute('href');
    expect(csv).toContain('/api/transactions.csv?');
    expect(csv).toContain('idTag=tag-ok');
    expect(csv).toContain('active=true');
    await screenshot(page, '06-sessions-filtered');

    // The CSV file the button downloads is that same filtered list.
    const [download] = await Promise.all([page.waitForEvent('download', WAIT), page.getByRole('button', { name: 'Export CSV' }).click()]);
    const [header, ...rows] = readFileSync((await download.path())!, 'utf8').trimEnd().split('\r\n');
    expect(header.split(',').slice(0, 3)).toEqual(['id', 'installation_id', 'charger_id']);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain(`${transactionId},${siteA},PORTAL-1,`);

    await page.getByLabel('Id tag').fill('NOBODY');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByText('No session matches these filters.').waitFor(WAIT);

    // By charger and by the days a session started on (the owner's local days, as the date inputs give them).
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toLocaleDateString('sv');
    const rowsShown = () => page.getByTestId('sessions').locator('tbody tr').count().catch(() => 0);
    await page.getByLabel('Id tag').fill('');
    await page.getByLabel('Status').selectOption('any');
    await page.getByLabel('Charger').fill('PORTAL-201');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByText('No session matches these filters.').waitFor(WAIT);
    await page.getByLabel('Charger').fill('PORTAL-1');
    await page.getByLabel('From', { exact: true }).fill(day(-1));
    await page.getByLabel('To', { exact: true }).fill(day(1));
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(rowsShown, WAIT).toBe(2);
    await page.getByLabel('From', { exact: true }).fill(day(1));
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByText('No session matches these filters.').waitFor(WAIT);
    await charger.stopTransaction({ transactionId, meterStop: 11_500 });
  });

  it('imports id tags from CSV, naming the line it refused, and blocks one', async () => {
    await page.getByRole('link', { name: 'ID tags' }).click();
    await page.getByText('Import from CSV').click();
    await page.locator('textarea[name="csv"]').fill('idTag,status\nCARD-1,Accepted\nCARD-2,Blocked\nTHIS-TAG-IS-FAR-TOO-LONG-FOR-ANY-OCPP-VERSION,Accepted\n');
    await page.getByRole('button', { name: 'Import' }).click();
    await page.getByText('2 imported, 1 refused').waitFor(WAIT);
    expect(await page.getByText('line 4: idTag').textContent()).toContain('at most 36');
    const row = page.getByTestId('id-tags').getByRole('row', { name: /CARD-1/ });
    await row.getByRole('button', { name: 'Block' }).click();
    await expect.poll(() => row.textContent(), WAIT).toContain('Blocked');
    await screenshot(page, '07-id-tags');
  });

  it('adds a subscription and sees its deliveries', async () => {
    await page.getByRole('link', { name: 'Notifications' }).click();
    await passSecondFactor('notifications');
    await subscribeInPortal(page, 'Billing', receiver.url);
    await page.getByTestId('subscription-secret').waitFor(WAIT);
    await page.getByTestId('subscriptions').getByRole('link', { name: 'Billing' }).click();
    await page.getByRole('button', { name: 'Send test' }).click();
    await receiver.waitFor(1, 10_000);
    // The attempt log is written in batches: refresh until the row is there.
    await expect
      .poll(async () => {
        await page.getByRole('button', { name: 'Refresh log' }).click();
        return page.getByTestId('deliveries').locator('tbody tr').count().catch(() => 0);
      }, WAIT)
      .toBeGreaterThan(0);

    // A real event, then the same event once more with the Redeliver button.
    await charger.status(1, 'Preparing');
    await receiver.waitFor(2, 10_000);
    const redeliver = page.getByTestId('deliveries').getByRole('button', { name: 'Redeliver' }).first();
    await expect
      .poll(async () => {
        await page.getByRole('button', { name: 'Refresh log' }).click();
        return redeliver.count();
      }, WAIT)
      .toBeGreaterThan(0);
    await redeliver.click();
    await page.getByText('Redeliver: delivered (200)').waitFor(WAIT);
    await receiver.waitFor(3, 10_000);
    await screenshot(page, '08-subscription-deliveries');
  });

  it('lets an owner add a member and read the audit log, without secrets', async () => {
    const user = await t.api('POST', '/api/users', { email: SERVICE.email, password: SERVICE.password, name: 'Service' });
    expect(user.status).toBe(201);
    await page.getByRole('link', { name: 'Members' }).click();
    await page.getByLabel('Email of an existing user').fill(SERVICE.email);
    await page.getByRole('button', { name: 'Add member' }).click();
    await page.getByTestId('members').getByText(SERVICE.email).waitFor(WAIT);
    const require2fa = page.getByLabel('Require two-factor authentication for every member');
    await require2fa.check();
    await expect.poll(async () => (await t.api('GET', `/api/installations/${siteA}`)).body.requireSecondFactor, WAIT).toBe(true);
    await screenshot(page, '09-members');

    await page.getByRole('link', { name: 'Audit log' }).click();
    const audit = page.getByTestId('audit');
    await audit.waitFor(WAIT);
    expect(await audit.locator('tbody tr').count()).toBeGreaterThan(0);
    expect(await audit.textContent()).not.toContain(PROVIDER_PASSWORD);
    await screenshot(page, '10-audit-log');
  });

  it('asks for the authenticator code at the next sign-in, takes a recovery code once, and says so when it comes again', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const code = page.getByLabel('Authenticator code');
    await code.waitFor(WAIT);
    expect(await page.getByRole('alert').count()).toBe(0); // a prompt, not an error
    await code.fill(recoveryCodes[0]);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('installations').waitFor(WAIT);

    // The same recovery code again: said to be used, once, under the field (no banner with a code beside it).
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await code.fill(recoveryCodes[0]);
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(await fieldErrorAlone(page.locator('main form'), 'code')).toBe('has already been used: each recovery code works once, take another one');
    await screenshot(page, '11-used-recovery-code');
    await code.fill(recoveryCodes[1]);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('installations').waitFor(WAIT);
  });

  it('keeps a service user of one installation out of another', async () => {
    // A phone-width screen, as a technician on site would use.
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
    try {
      const p = await phone.newPage();
      await p.goto(base);
      await p.getByLabel('Email').fill(SERVICE.email);
      await p.getByLabel('Password').fill(SERVICE.password);
      await p.getByRole('button', { name: 'Sign in' }).click();
      await p.getByTestId('installations').getByText('Depot A').waitFor(WAIT);
      expect(await p.getByTestId('installations').textContent()).not.toContain('Depot B');
      // Owners-only sections are not offered.
      await p.getByRole('link', { name: 'Depot A' }).click();
      // Depot A's owner requires a second factor: the service user enrols before seeing anything of it.
      await passSecondFactor('live-state', p);
      expect(await p.getByRole('link', { name: 'Members' }).count()).toBe(0);
      await screenshot(p, '11-service-user-phone');

      await p.goto(`${base}/installations/${siteB}/chargers`);
      await p.getByRole('alert').waitFor(WAIT);
      expect(await p.getByRole('alert').textContent()).toMatch(/not found/i);
      expect(await p.content()).not.toContain('Depot B');
    } finally {
      await phone.close();
    }
  });

  it('fits a phone screen on every tab, says "not found" for unknown pages and "cannot be reached" when the gateway is gone', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    const tabs = ['chargers', 'authentication', 'who-decides', 'id-tags', 'sessions', 'notifications', 'members', 'api-tokens', 'audit'].map((tab) => `/installations/${siteA}/${tab}`);
    // The pages outside an installation's tab bar: a charger's operations, roaming providers, users, the account.
    for (const path of [...tabs, '/chargers/PORTAL-1', '/roaming', '/users', '/account']) {
      await page.goto(`${base}${path}`);
      await page.locator(path.startsWith('/installations/') ? 'nav.tabs' : 'main.container > section, main.container > article').first().waitFor(WAIT);
      await expect.poll(() => page.locator('[aria-busy="true"]').count(), WAIT).toBe(0);
      const wide = await page.evaluate(() => [...document.querySelectorAll('body *')].filter((e) => !e.closest('nav.tabs, .table-wrap') && e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map((e) => `${e.tagName}.${e.className}:${(e.textContent ?? '').slice(0, 30)}`).slice(0, 5));
      expect(await overflow(), `${path}: ${wide.join(' | ')}`).toBeLessThanOrEqual(0);
    }
    await screenshot(page, '12-phone-audit-log');

    await page.goto(`${base}/no/such/page`);
    await page.getByTestId('not-found').getByText('Page not found').waitFor(WAIT);
    await page.goto(`${base}/installations/${siteA}/no-such-tab`);
    await page.getByTestId('not-found').waitFor(WAIT);

    await page.goto(`${base}/installations/${siteA}/sessions`);
    await page.getByTestId('sessions').waitFor(WAIT);
    await page.route('**/api/**', (route) => route.abort('connectionrefused'));
    try {
      await page.getByLabel('Id tag').fill('ANYONE');
      await page.getByRole('button', { name: 'Filter' }).click();
      await expect.poll(() => page.getByRole('alert').textContent(), WAIT).toContain('The gateway cannot be reached');
      expect(await page.getByRole('alert').textContent()).not.toContain('Failed to fetch');
    } finally {
      await page.unroute('**/api/**');
      await page.setViewportSize({ width: 1100, height: 900 });
    }
  });
});
