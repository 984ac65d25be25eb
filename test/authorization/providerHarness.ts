// The provider authorizer wired as build.ts wires it (real session-start call, decision cache and
// breaker on a fixed clock) in front of a scripted transport instead of the network.

import { vi } from 'vitest';
import { createBreaker } from '../../src/authorization/breaker.js';
import { INVALID } from '../../src/authorization/chain.js';
import { createDecisionCache } from '../../src/authorization/decisionCache.js';
import { providerAuthorizer } from '../../src/authorization/provider.js';
import type { AuthorizationRequest } from '../../src/authorization/types.js';
import type { Logger } from '../../src/log.js';
import { HttpError, type HttpClient, type HttpErrorCode, type HttpRequest, type HttpResponse } from '../../src/http/client.js';
import { callSessionStart } from '../../src/providers/sessionStart.js';
import type { TokenService } from '../../src/providers/tokenService.js';
import type { ProviderSettings } from '../../src/store/installations.js';
import { clock, providerSettings, request, settingsOf } from './fakes.js';

/** How the provider answers one session-start call. */
export type Answer = (req: HttpRequest) => Promise<HttpResponse>;

export const reply =
  (status: number, body: unknown = ''): Answer =>
  async () => ({ status, headers: {}, body: typeof body === 'string' ? body : JSON.stringify(body) });

export const fail =
  (code: HttpErrorCode): Answer =>
  async () => {
    throw new HttpError(code, `transport: ${code}`);
  };

/** A provider that never answers, behind a transport that gives up at the deadline it is handed, as createHttpClient does. */
export const silent: Answer = (req) =>
  new Promise((_, reject) => setTimeout(() => reject(new HttpError('timeout', 'no answer before the deadline')), req.timeoutMs));

const noTokens: TokenService = {
  get: async () => {
    throw new Error('this installation has no authentication URL');
  },
  invalidate: () => undefined,
  fetches: 0,
};

export interface HarnessOptions {
  settings?: ProviderSettings | undefined;
  answer?: Answer;
  tokens?: TokenService;
  failures?: number;
  cooldownMs?: number;
}

export function providerHarness(opts: HarnessOptions = {}) {
  const time = clock();
  const cache = createDecisionCache({ size: 100, ttlSec: 60, staleSec: 3600, now: time.now });
  const breaker = createBreaker({ failures: opts.failures ?? 3, cooldownMs: opts.cooldownMs ?? 1000, now: time.now });
  const sent: Record<string, unknown>[] = [];
  let answer = opts.answer ?? reply(200, { allowed: true });
  const http: HttpClient = {
    send: (req) => {
      sent.push(JSON.parse(req.body ?? 'null'));
      return answer(req);
    },
    close: async () => undefined,
  };
  const warn = vi.fn();
  const providerCall = vi.fn();
  const authorizer = providerAuthorizer({
    settings: settingsOf('settings' in opts ? opts.settings : providerSettings()),
    cache,
    breaker,
    callSessionStart: (s, r) => callSessionStart({ http, tokens: opts.tokens ?? noTokens }, s, r),
    log: { warn } as unknown as Logger,
    metrics: { providerCall },
  });
  return {
    authorize: (over: Partial<AuthorizationRequest> = {}) => authorizer(request(over), INVALID),
    answer: (next: Answer) => void (answer = next),
    cache,
    time,
    sent,
    warn,
    providerCall,
  };
}
