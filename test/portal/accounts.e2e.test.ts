import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { call, enrolTotp, signIn, totpCode } from '../helpers/portal.js';
import type { StartOptions } from '../../src/app.js';
import { buildPortal, launchBrowser, passSecondFactor as passSecondFactorIn, screenshot } from './browser.js';

const ADMIN = { email: 'admin@example.test', password: 'Admin-Pa55word-for-tests' };
/** Created in the portal; the admin sets `first`, the owner then chooses `second`. */
const OWNER = { email: 'owner@example.test', name: 'Olivia Owner', first: 'Set-By-Admin-0001', second: 'Chosen-By-Owner-0002' };
const LEAVER = { email: 'leaver@example.test', password: 'Leaver-Pa55word-0003' };
const WAIT = { timeout: 10_000 };

/**
 * Accounts, users and API tokens as an operator admin and a site owner use them: the built app
 * in headless Chromium against the real gateway. The steps run in order; the admin keeps one
 * desktop page, the owner a phone-width one.
 */
describe('accounts, users and API tokens in a real browser', { timeout: 40_000 }, () => {
  let t: TestGateway;
  let browser: Browser;
  let adminContext: BrowserContext;
  let ownerContext: BrowserContext;
  let admin: Page;
  let owner: Page;
  let base: string;
  let site: string;

  beforeAll(async () => {
    await buildPortal();
    t = await startTestGateway('sqlite', { adminEmail: ADMIN.email, adminPassword: ADMIN.password } as StartOptions);
    base = `http://127.0.0.1:${t.gw.httpPort}`;
    site = await t.installation(['ACCOUNTS-1']);
    await t.api('PATCH', `/api/installations/${site}`, { name: 'Depot C' });
    browser = await launchBrowser();
    adminContext = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    // A site owner on a phone; the copy button needs the clipboard.
    ownerContext = await browser.newContext({ viewport: { width: 390, height: 844 }, permissions: ['clipboard-read', 'clipboard-write'] });
    admin = await adminContext.newPage();
    owner = await ownerContext.newPage();
  }, 90_000);

  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    const name = ctx.task.name.replace(/\W+/g, '-');
    await screenshot(admin, `failed-accounts-admin-${name}`).catch(() => undefined);
    await screenshot(owner, `failed-accounts-owner-${name}`).catch(() => undefined);
  });

  afterAll(async () => {
    await adminContext?.close();
    await ownerContext?.close();
    await browser?.close();
    await t?.stop();
  });

  async function signInAs(p: Page, email: string, password: string): Promise<void> {
    await p.goto(base);
    await p.getByLabel('Email').fill(email);
    await p.getByLabel('Password').fill(password);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByTestId('installations').waitFor(WAIT);
  }

  /** The Users page read afresh (it loads its list when it opens). */
  async function openUsers(): Promise<void> {
    await admin.getByRole('link', { name: 'Charging portal' }).click();
    await admin.getByTestId('installations').waitFor(WAIT);
    await admin.getByRole('banner').getByRole('link', { name: 'Users' }).click();
    await admin.getByTestId('users').waitFor(WAIT);
  }

  const userRow = (email: string) => admin.getByTestId('users').getByRole('row', { name: new RegExp(email) });

  async function manage(email: string) {
    await userRow(email).getByRole('button', { name: 'Manage' }).click();
    const panel = admin.getByTestId('user-actions');
    await panel.getByText(email).waitFor(WAIT);
    return panel;
  }

  async function openInstallationTab(p: Page, tab: string): Promise<void> {
    await p.getByRole('link', { name: 'Charging portal' }).click();
    await p.getByRole('link', { name: 'Depot C' }).click();
    await p.getByRole('link', { name: tab }).click();
  }

  /** Each page's authenticator secret, once it set one up in the browser. */
  const secrets = new Map<Page, string>();

  /** The Users page and the API tokens tab ask for a second factor proven lately. */
  const passSecondFactor = (p: Page, content: string) => passSecondFactorIn(p, content, secrets);

  const bearer = (token: string, path: string) => fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });

  it('shows the Users page to the bootstrap admin, once they have set up a second factor', async () => {
    await signInAs(admin, ADMIN.email, ADMIN.password);
    await admin.getByRole('banner').getByRole('link', { name: 'Users' }).click();
    // Accounts and admin tokens are changed only with a second factor proven lately.
    await admin.getByTestId('enrol').waitFor(WAIT);
    await passSecondFactor(admin, 'users');
    await userRow(ADMIN.email).waitFor(WAIT);
    expect(await userRow(ADMIN.email).getByTestId('has-second-factor').textContent()).toBe('yes');
    expect(await userRow(ADMIN.email).textContent()).toContain('admin');
  });

  it('creates a user, and names a taken email next to its field', async () => {
    await admin.getByText('New user').click();
    const form = admin.getByTestId('create-user');
    const fill = async () => {
      await form.getByLabel('Email').fill(OWNER.email);
      await form.getByLabel('Name (optional)').fill(OWNER.name);
      await form.getByLabel('Password').fill('Initial-Pa55word-0000');
      await form.getByRole('button', { name: 'Create user' }).click();
    };
    await fill();
    await userRow(OWNER.email).waitFor(WAIT);
    expect(await userRow(OWNER.email).getByTestId('has-second-factor').textContent()).toBe('no');

    await fill();
    const taken = form.locator('[data-field-error="email"]');
    await taken.waitFor(WAIT);
    expect(await taken.textContent()).toContain('already taken');
    await screenshot(admin, 'accounts-01-users');
  });

  it("sets the user's password as the admin", async () => {
    const panel = await manage(OWNER.email);
    await panel.getByLabel('New password').fill(OWNER.first);
    await panel.getByRole('button', { name: 'Set password' }).click();
    await panel.getByText('Password set').waitFor(WAIT);
    await screenshot(admin, 'accounts-02-user-actions');
    // The new user owns Depot C from here on (Members has its own test).
    expect((await t.api('POST', `/api/installations/${site}/members`, { email: OWNER.email, role: 'owner' })).status).toBe(201);
  });

  it('lets the user change their password on the Account page, at phone width', async () => {
    await signInAs(owner, OWNER.email, OWNER.first);
    await owner.getByRole('banner').getByRole('link', { name: 'Account' }).click();
    const form = owner.getByTestId('change-password');
    const change = async (current: string, next: string, repeat: string) => {
      await form.getByLabel('Current password').fill(current);
      await form.getByLabel(/^New password/).fill(next);
      await form.getByLabel('Repeat the new password').fill(repeat);
      await form.getByRole('button', { name: 'Change password' }).click();
    };

    await change('Not-My-Pa55word-9999', OWNER.second, OWNER.second);
    const wrong = form.locator('[data-field-error="currentPassword"]');
    await wrong.waitFor(WAIT);
    expect(await wrong.textContent()).toContain('is not your current password');

    await change(OWNER.first, OWNER.second, `${OWNER.second}x`);
    const differs = form.locator('[data-field-error="repeatPassword"]');
    await differs.waitFor(WAIT);
    expect(await differs.textContent()).toContain('does not match');
    await expect.poll(() => wrong.count()).toBe(0);

    await change(OWNER.first, OWNER.second, OWNER.second);
    await owner.getByText('Password changed').waitFor(WAIT);
    await screenshot(owner, 'accounts-03-account-phone');

    expect((await call(base, 'POST', '/api/auth/login', { email: OWNER.email, password: OWNER.first })).status).toBe(401);
    expect((await call(base, 'POST', '/api/auth/login', { email: OWNER.email, password: OWNER.second })).status).toBe(200);
    // This session stays signed in.
    await owner.getByRole('link', { name: 'Charging portal' }).click();
    await owner.getByTestId('installations').getByText('Depot C').waitFor(WAIT);
  });

  it('lets an owner create an API token, shown once, that works until it is revoked', async () => {
    await openInstallationTab(owner, 'API tokens');
    // Minting a credential needs a second factor: the owner sets one up here, at phone width.
    await owner.getByTestId('enrol').waitFor(WAIT);
    await passSecondFactor(owner, 'api-tokens');
    const section = owner.getByTestId('api-tokens');
    await section.getByText('New API token').click();
    await section.getByLabel('Label').fill('Billing export');
    await section.getByLabel('Role').selectOption('service');
    await section.getByRole('button', { name: 'Create token' }).click();
    const once = owner.getByTestId('shown-once');
    await once.waitFor(WAIT);
    expect(await once.textContent()).toContain('you will not see it again');
    const token = await once.getByTestId('secret').inputValue();
    expect(token.length).toBeGreaterThan(20);
    await once.getByRole('button', { name: 'Copy' }).click();
    await once.getByText('Copied.').waitFor(WAIT);
    expect(await owner.evaluate(() => navigator.clipboard.readText())).toBe(token);
    await screenshot(owner, 'accounts-04-token-shown-once');

    const reply = await bearer(token, `/api/installations/${site}`);
    expect(reply.status).toBe(200);
    expect((await reply.json()).name).toBe('Depot C');

    await once.getByRole('button', { name: 'Done, I have copied it' }).click();
    await once.waitFor({ state: 'detached', ...WAIT });
    expect(await owner.content()).not.toContain(token);
    const row = section.getByTestId('tokens').getByRole('row', { name: /Billing export/ });
    expect(await row.textContent()).toContain('service');

    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByRole('button', { name: 'Yes, revoke' }).click();
    await row.waitFor({ state: 'detached', ...WAIT });
    expect((await bearer(token, `/api/installations/${site}`)).status).toBe(401);
  });

  it('removes the own second factor after asking for a fresh code', async () => {
    // The owner's authenticator is the one set up for the API tokens; a while later, this
    // session's proof of it is no longer fresh.
    const secret = secrets.get(owner)!;
    const ownerId = (await t.api('GET', '/api/users')).body.items.find((u: { email: string }) => u.email === OWNER.email).id;
    await t.gw.store.db.updateTable('user_sessions').set({ second_factor_at: new Date(0).toISOString() }).where('user_id', '=', ownerId).execute();
    await owner.getByRole('banner').getByRole('link', { name: 'Account' }).click();
    await owner.reload();
    const state = owner.getByTestId('second-factor-state');
    await expect.poll(() => state.textContent(), WAIT).toBe('on');

    await owner.getByRole('button', { name: 'Remove second factor' }).click();
    await owner.getByRole('button', { name: 'Yes, remove it' }).click();
    const stepUp = owner.getByTestId('step-up');
    await stepUp.waitFor(WAIT);
    await screenshot(owner, 'accounts-05-remove-second-factor');
    // The next step's code: the one enrolment used is not taken twice.
    await stepUp.getByLabel('Code').fill(totpCode(secret, 1));
    await stepUp.getByRole('button', { name: 'Confirm' }).click();
    await expect.poll(() => state.textContent(), WAIT).toBe('off');
    expect((await call(base, 'POST', '/api/auth/login', { email: OWNER.email, password: OWNER.second })).status).toBe(200);
  });

  it("resets a user's lost second factor as the admin, which signs them out", async () => {
    await enrolTotp(await signIn(base, OWNER.email, OWNER.second));
    await openUsers();
    expect(await userRow(OWNER.email).getByTestId('has-second-factor').textContent()).toBe('yes');
    const panel = await manage(OWNER.email);
    await panel.getByRole('button', { name: 'Reset second factor' }).click();
    await panel.getByRole('button', { name: 'Yes, reset' }).click();
    await expect.poll(() => userRow(OWNER.email).getByTestId('has-second-factor').textContent(), WAIT).toBe('no');

    await owner.getByRole('link', { name: 'Charging portal' }).click();
    await owner.getByRole('button', { name: 'Sign in' }).waitFor(WAIT);
  });

  it('shows LAST_OWNER next to the member row, and next to Delete on the Users page', async () => {
    await openInstallationTab(admin, 'Members');
    const row = admin.getByTestId('members').getByRole('row', { name: new RegExp(OWNER.email) });
    await row.getByRole('button', { name: 'Remove' }).click();
    const removeError = row.locator('[data-field-error="userId"]');
    await removeError.waitFor(WAIT);
    expect(await removeError.textContent()).toContain('only owner');

    await row.getByLabel(`Role of ${OWNER.email}`).selectOption('service');
    const roleError = row.locator('[data-field-error="role"]');
    await roleError.waitFor(WAIT);
    expect(await roleError.textContent()).toContain('only owner');
    // Refused: the row still shows the role the gateway holds.
    await expect.poll(() => row.getByLabel(`Role of ${OWNER.email}`).inputValue(), WAIT).toBe('owner');
    await screenshot(admin, 'accounts-06-last-owner-member');

    await openUsers();
    const panel = await manage(OWNER.email);
    await panel.getByRole('button', { name: 'Delete user' }).click();
    await panel.getByRole('button', { name: 'Yes, delete' }).click();
    const deleteError = panel.locator('[data-field-error="id"]');
    await deleteError.waitFor(WAIT);
    expect(await deleteError.textContent()).toContain('is the only owner of Depot C');
    await screenshot(admin, 'accounts-07-last-owner-user');
  });

  it('deletes a user after a confirm step, but not oneself nor the last admin', async () => {
    expect((await t.api('POST', '/api/users', { email: LEAVER.email, password: LEAVER.password })).status).toBe(201);
    await openUsers();
    const panel = await manage(LEAVER.email);
    await panel.getByRole('button', { name: 'Delete user' }).click();
    await panel.getByTestId('confirm').getByText(`Delete ${LEAVER.email}?`).waitFor(WAIT);
    await screenshot(admin, 'accounts-08-delete-confirm');
    await panel.getByRole('button', { name: 'Yes, delete' }).click();
    await userRow(LEAVER.email).waitFor({ state: 'detached', ...WAIT });
    const users = (await t.api('GET', '/api/users')).body.items.map((u: { email: string }) => u.email);
    expect(users).not.toContain(LEAVER.email);
    expect((await call(base, 'POST', '/api/auth/login', { email: LEAVER.email, password: LEAVER.password })).status).toBe(401);

    const self = await manage(ADMIN.email);
    await self.getByRole('button', { name: 'Delete user' }).click();
    await self.getByRole('button', { name: 'Yes, delete' }).click();
    const refused = self.locator('[data-field-error="id"]');
    await refused.waitFor(WAIT);
    expect(await refused.textContent()).toContain(`${ADMIN.email} is your own account`);

    // The only admin stays one: the switch says why under itself and turns back on.
    const adminSwitch = self.getByLabel('Operator admin');
    // A click, not uncheck(): the box is meant to end up checked again.
    await adminSwitch.click();
    const lastAdmin = self.locator('[data-field-error="admin"]');
    await lastAdmin.waitFor(WAIT);
    expect(await lastAdmin.textContent()).toContain('only admin');
    await expect.poll(() => adminSwitch.isChecked(), WAIT).toBe(true);
  });

  it('creates an admin API token on the Users page', async () => {
    const section = admin.getByTestId('admin-tokens');
    await section.getByText('New admin API token').click();
    await section.getByLabel('Label').fill('Operator sync');
    await section.getByRole('button', { name: 'Create token' }).click();
    const token = await section.getByTestId('shown-once').getByTestId('secret').inputValue(WAIT);
    await screenshot(admin, 'accounts-09-admin-token');
    expect((await bearer(token, '/api/users')).status).toBe(200);
    await section.getByRole('button', { name: 'Done, I have copied it' }).click();
    const row = section.getByTestId('tokens').getByRole('row', { name: /Operator sync/ });
    expect(await row.textContent()).toContain('admin');

    // An operator on a phone: the header keeps both links, the table scrolls sideways.
    await admin.setViewportSize({ width: 390, height: 844 });
    await manage(OWNER.email);
    await screenshot(admin, 'accounts-10-users-phone');
  });
});
