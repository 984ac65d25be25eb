import type { ProviderSettings } from '../store/installations.js';
import { utf8Prefix } from '../store/deliveries.js';
import type { HttpClient } from '../http/client.js';
import { secretValues } from './payload.js';
import { classifyStartReply, sessionStartBody, unreachableOutcome, type SessionStartRequest, type StartOutcome } from './sessionStart.js';
import { createTokenService } from './tokenService.js';
import { postToProvider } from './providerCall.js';

export interface TestStep {
  ok: boolean;
  ms: number;
  error?: string;
}

export interface SessionStartTestStep extends TestStep {
  status?: number;
  /** The provider's reply: its JSON, or the start of its text; secrets blanked. */
  body?: unknown;
}

export interface ProviderTestSteps {
  token: TestStep | null;
  sessionStart: SessionStartTestStep | null;
  /** undefined when no session start URL was called. */
  outcome?: StartOutcome;
}

/** What of a provider's reply the portal shows. */
const BODY_MAX_BYTES = 2048;

const since = (started: number) => Math.round(performance.now() - started);

/** Blanks every secret the gateway sent, in case a provider echoes one back (or an error message carries it). */
function scrubber(secrets: string[]): (text: string) => string {
  const present = secrets.filter((s) => s.length >= 4);
  return (text) => present.reduce((out, secret) => out.split(secret).join('***'), text);
}

function shownBody(text: string, scrub: (text: string) => string): unknown {
  const clean = scrub(text);
  if (Buffer.byteLength(clean) > BODY_MAX_BYTES) return utf8Prefix(clean, BODY_MAX_BYTES);
  try {
    return JSON.parse(clean);
  } catch {
    return clean;
  }
}

/**
 * The installation's provider, called now as a charger's Authorize would call it: a fresh
 * token (never the one chargers' calls share, and never replacing it), then session start with
 * `test: true` in the body. Times each step; keeps the token and payload out of what it reports.
 */
export async function callProviderForTest(http: HttpClient, settings: ProviderSettings, req: SessionStartRequest): Promise<ProviderTestSteps> {
  const tokens = createTokenService(http);
  const secrets = [...secretValues(settings.authPayload), ...(settings.authPayload ? [settings.authPayload] : [])];
  const scrub = scrubber(secrets);
  let token: TestStep | null = null;
  if (settings.authUrl) {
    const started = performance.now();
    try {
      secrets.push(await tokens.get(settings.installationId, settings.authUrl, settings.authPayload ?? '', settings.timeoutMs));
      token = { ok: true, ms: since(started) };
    } catch (err) {
      const outcome = unreachableOutcome(err);
      token = { ok: false, ms: since(started), error: scrub(outcome.detail) };
      return { token, sessionStart: null, ...(settings.sessionStartUrl && { outcome }) };
    }
  }
  if (!settings.sessionStartUrl) return { token, sessionStart: null };
  const rescrub = scrubber(secrets);
  const started = performance.now();
  try {
    const res = await postToProvider({ http, tokens }, settings, settings.sessionStartUrl, sessionStartBody(req, { test: true }));
    const outcome = classifyStartReply(res.status, res.body);
    const failed = outcome.kind === 'unreachable' ? { error: rescrub(outcome.detail) } : {};
    return { token, sessionStart: { ok: outcome.kind !== 'unreachable', status: res.status, ms: since(started), body: shownBody(res.body, rescrub), ...failed }, outcome };
  } catch (err) {
    const outcome = unreachableOutcome(err);
    return { token, sessionStart: { ok: false, ms: since(started), error: rescrub(outcome.detail) }, outcome };
  }
}
