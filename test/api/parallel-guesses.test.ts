// Guesses sent all at once: the failed-attempt limit must hold however many arrive together,
// because each attempt is counted before its secret is checked.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { engines } from '../helpers/databases.js';
import { startApi, type TestApi } from './gateway.js';
import { call, enrolTotp, signIn, totpCode } from '../helpers/portal.js';
import { tally } from '../helpers/tally.js';

const PASSWORD = 'correct horse battery';
const LIMIT = 5;

describe.each(engines)('failed-attempt limits under parallel guesses (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi(engine, { loginMaxFailures: LIMIT });
    for (const email of ['ann@example.com', 'bob@example.com']) expect((await api.request('POST', '/api/users', { email, password: PASSWORD })).status).toBe(201);
  });
  afterAll(async () => {
    await api?.close();
  });
  // Every test guesses from one address: each starts with nothing counted.
  beforeEach(async () => {
    await api.gateway.store.db.deleteFrom('login_failures').execute();
  });

  const wrongSignIns = (emails: string[]) => Promise.all(emails.map((email, i) => call(api.base, 'POST', '/api/auth/login', { email, password: `wrong ${i}` })));

  it('checks at most the limit of 50 wrong passwords sent at once for one email, and answers the rest 429 with Retry-After', async () => {
    const answers = await wrongSignIns(Array(50).fill('ann@example.com'));
    expect(tally(answers)).toEqual({ 401: LIMIT, 429: 50 - LIMIT });
    const limited = answers.find((a) => a.status === 429)!;
    expect(limited.body.error).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // The right password waits too.
    expect((await call(api.base, 'POST', '/api/auth/login', { email: 'ann@example.com', password: PASSWORD })).status).toBe(429);
  });

  it('checks at most the limit from one address, whatever the emails', async () => {
    const answers = await wrongSignIns(Array.from({ length: 50 }, (_, i) => `guess${i}@example.com`));
    expect(tally(answers)).toEqual({ 401: LIMIT, 429: 50 - LIMIT });
  });

  it('lets sign-ins that succeed give their attempt back: the limit counts failures only', async () => {
    const answers = await Promise.all(Array.from({ length: LIMIT * 2 }, () => call(api.base, 'POST', '/api/auth/login', { email: 'bob@example.com', password: PASSWORD })));
    // Those that find the limit reached by attempts still in flight are refused; none is checked beyond it.
    expect(answers.every((a) => a.status === 200 || a.status === 429)).toBe(true);
    expect(answers.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(1);
    for (let i = 0; i < LIMIT * 2; i++) expect((await signIn(api.base, 'bob@example.com', PASSWORD)).login.status).toBe(200);
  });

  it('checks at most the limit of wrong current passwords sent at once to change a password', async () => {
    const s = await signIn(api.base, 'bob@example.com', PASSWORD);
    await api.gateway.store.db.deleteFrom('login_failures').execute();
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => s.request('POST', '/api/auth/password', { currentPassword: `guess number ${i}`, newPassword: 'a brand new passphrase' })),
    );
    expect(tally(answers)).toEqual({ 400: LIMIT, 429: 30 - LIMIT });
  });

  it('checks at most the limit of wrong codes sent at once, at sign-in and at step-up', async () => {
    await api.request('POST', '/api/users', { email: 'cat@example.com', password: PASSWORD });
    const s = await signIn(api.base, 'cat@example.com', PASSWORD);
    const { secret } = await enrolTotp(s);
    await api.gateway.store.db.deleteFrom('login_failures').execute();
    const wrongCode = () => totpCode(secret, 20);

    const stepUps = await Promise.all(Array.from({ length: 30 }, () => s.request('POST', '/api/auth/step-up', { code: wrongCode() })));
    expect(tally(stepUps)).toEqual({ 400: LIMIT, 429: 30 - LIMIT });

    const signIns = await Promise.all(Array.from({ length: 30 }, () => call(api.base, 'POST', '/api/auth/login', { email: 'cat@example.com', password: PASSWORD, code: wrongCode() })));
    expect(tally(signIns)).toEqual({ 401: LIMIT, 429: 30 - LIMIT });
  });
});
