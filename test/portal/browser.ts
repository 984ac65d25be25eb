import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { newestChange } from '../../scripts/freshness.mjs';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { totpCode } from '../helpers/portal.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = 'test-results/portal';

const PORTAL_SOURCES = 'src/portal';
const PORTAL_BUILD = 'dist/portal/index.html';
const BUILD_LOCK = 'dist/.portal-build.lock';
/** A lock older than any build is left over from a killed run. */
const STALE_LOCK_MS = 180_000;

const builtSinceLastChange = () => existsSync(PORTAL_BUILD) && statSync(PORTAL_BUILD).mtimeMs > newestChange('.', [PORTAL_SOURCES]);

/**
 * One build at a time across test files: vite empties dist/portal first, which would pull the
 * assets from under a browser in another file's gateway. mkdir is the atomic "take the lock".
 */
async function withBuildLock(work: () => Promise<void>): Promise<void> {
  mkdirSync('dist', { recursive: true });
  for (;;) {
    try {
      mkdirSync(BUILD_LOCK);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const lock = statSync(BUILD_LOCK, { throwIfNoEntry: false });
      if (lock && Date.now() - lock.mtimeMs > STALE_LOCK_MS) rmSync(BUILD_LOCK, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    await work();
  } finally {
    rmSync(BUILD_LOCK, { recursive: true, force: true });
  }
}

/**
 * Builds the portal into dist/portal, where the gateway serves it from. Tests run the gateway
 * from source, so nothing else builds it; vite takes a few seconds. A build newer than every
 * portal source is kept, so the browser files of one run share one build.
 */
export async function buildPortal(): Promise<void> {
  await withBuildLock(async () => {
    if (builtSinceLastChange()) return;
    const args = ['node_modules/vite/bin/vite.js', 'build', '--config', 'src/portal/vite.config.ts', '--logLevel', 'warn'];
    try {
      await promisify(execFile)(process.execPath, args, { timeout: 120_000 });
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string };
      throw new Error(`vite build failed (${e.code}):\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
    }
  });
}

/** Debian's chromium (apt-get install chromium), headless; no sandbox because CI runs as root. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** Kept as test artifacts; test-results/ is gitignored. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
}

/**
 * Sets up an authenticator where the portal asks for one (its "enrol" box) and returns the
 * secret; `saved` sees the recovery codes before they are acknowledged.
 */
export async function enrolInBrowser(p: Page, saved: (codes: string[]) => Promise<void> = async () => undefined): Promise<string> {
  const wait = { timeout: 10_000 };
  const enrol = p.getByTestId('enrol');
  await enrol.getByRole('button', { name: 'Set up an authenticator' }).click();
  const secret = (await p.getByTestId('totp-secret').textContent(wait))!.trim();
  await enrol.getByLabel('Code from the app').fill(totpCode(secret));
  await enrol.getByRole('button', { name: 'Confirm' }).click();
  const codes = p.getByTestId('recovery-codes');
  await codes.waitFor(wait);
  await saved((await codes.locator('pre').textContent())!.split('\n'));
  await p.getByRole('button', { name: 'I have saved them' }).click();
  await codes.waitFor({ state: 'detached', ...wait });
  return secret;
}

/**
 * Whatever second-factor steps the page asks for before `section` shows: set up an authenticator
 * (its secret kept in `secrets`; `enrolled` sees the recovery codes), or prove it with the next
 * time step's code, until the section shows itself.
 */
export async function passSecondFactor(p: Page, section: string, secrets: Map<Page, string>, enrolled?: (codes: string[]) => Promise<void>): Promise<void> {
  const wait = { timeout: 10_000 };
  const enrol = p.getByTestId('enrol');
  const stepUp = p.getByTestId('step-up');
  const content = p.getByTestId(section);
  for (let round = 0; round < 3; round++) {
    await enrol.or(stepUp).or(content).first().waitFor(wait);
    // A section shows while it loads; its first answer may still ask for the factor.
    await expect.poll(() => p.locator('[aria-busy="true"]').count(), wait).toBe(0);
    if (await content.isVisible()) return;
    if (await enrol.isVisible()) secrets.set(p, await enrolInBrowser(p, enrolled));
    else {
      // The next time step's code: the one used at enrolment is not accepted twice.
      await stepUp.getByLabel('Code').fill(totpCode(secrets.get(p)!, 1));
      await stepUp.getByRole('button', { name: 'Confirm' }).click();
      await stepUp.waitFor({ state: 'detached', ...wait });
    }
  }
  await content.waitFor(wait);
}

/** Fills the Notifications tab's "New subscription" form for a web hook; `more` sets the rest, then it subscribes. */
export async function subscribeInPortal(p: Page, label: string, url: string, more: (form: Locator) => Promise<void> = async () => undefined): Promise<void> {
  await p.getByText('New subscription').click();
  const form = p.getByTestId('subscription-form');
  await form.getByLabel('Label').fill(label);
  await form.getByLabel('URL').fill(url);
  await more(form);
  await form.getByRole('button', { name: 'Subscribe' }).click();
}

/**
 * One message per problem: the API's words under the field it names, with no banner beside them
 * and no error code (SOME_CODE) anywhere in `scope`. Returns the message.
 */
export async function fieldErrorAlone(scope: Locator, field: string): Promise<string> {
  const message = scope.locator(`[data-field-error="${field}"]`);
  await message.waitFor({ timeout: 10_000 });
  expect(await scope.getByRole('alert').count()).toBe(0);
  expect(await scope.textContent()).not.toMatch(/\b[A-Z]{2,}(?:_[A-Z]{2,})+\b/);
  return (await message.textContent())!;
}
