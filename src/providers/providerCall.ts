import type { ProviderSettings } from '../store/installations.js';
import { authorizationHeader } from './credentials.js';
import type { HttpClient, HttpResponse } from '../http/client.js';
import type { TokenService } from './tokenService.js';

export interface ProviderCallDeps {
  http: HttpClient;
  tokens: TokenService;
}

/**
 * POSTs JSON with the installation's credentials, all within one deadline (token fetch
 * included). A 401 with OAuth fetches a new token once and retries once.
 */
export async function postToProvider(deps: ProviderCallDeps, settings: ProviderSettings, url: string, body: unknown): Promise<HttpResponse> {
  const deadline = Date.now() + settings.timeoutMs;
  const remaining = () => Math.max(1, deadline - Date.now());
  const json = JSON.stringify(body);
  const send = async () => {
    const authorization = await authorizationHeader({ ...settings, timeoutMs: remaining() }, deps.tokens);
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (authorization) headers.authorization = authorization;
    return { authorization, res: await deps.http.send({ method: 'POST', url, headers, body: json, timeoutMs: remaining() }) };
  };
  const first = await send();
  if (first.res.status !== 401 || !settings.authUrl || !first.authorization) return first.res;
  deps.tokens.invalidate(settings.installationId, first.authorization.slice('Bearer '.length));
  return (await send()).res;
}
