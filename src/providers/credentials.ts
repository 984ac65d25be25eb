import type { ProviderSettings } from '../store/installations.js';
import { parsePayload } from './payload.js';
import type { TokenService } from './tokenService.js';

/**
 * The Authorization header for a provider call: a bearer token from the authentication URL, or
 * HTTP Basic from username/password in the payload when there is no authentication URL.
 */
export async function authorizationHeader(settings: ProviderSettings, tokens: TokenService): Promise<string | undefined> {
  const payload = settings.authPayload ?? '';
  if (settings.authUrl) return `Bearer ${await tokens.get(settings.installationId, settings.authUrl, payload, settings.timeoutMs)}`;
  return basicHeader(payload);
}

const basicHeaders = new Map<string, string | undefined>();

/** Derived once per payload: every provider call of the installation sends the same header. */
function basicHeader(payload: string): string | undefined {
  if (basicHeaders.has(payload)) return basicHeaders.get(payload);
  const form = parsePayload(payload);
  const username = form.get('username');
  const header = username === null ? undefined : `Basic ${Buffer.from(`${username}:${form.get('password') ?? ''}`).toString('base64')}`;
  if (basicHeaders.size > 1000) basicHeaders.clear();
  basicHeaders.set(payload, header);
  return header;
}
