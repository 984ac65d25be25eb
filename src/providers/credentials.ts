import type { ProviderSettings } from '../store/installations.js';
import { parsePayload } from './payload.js';
import type { TokenService } from './tokenService.js';

/**
 * The Authorization header for a webhook call: a bearer token from the authentication URL, or
 * HTTP Basic from username/password in the payload when there is no authentication URL.
 */
export async function authorizationHeader(settings: ProviderSettings, tokens: TokenService): Promise<string | undefined> {
  const payload = settings.authPayload ?? '';
  if (settings.authUrl) return `Bearer ${await tokens.get(settings.installationId, settings.authUrl, payload, settings.timeoutMs)}`;
  const form = parsePayload(payload);
  const username = form.get('username');
  if (username === null) return undefined;
  return `Basic ${Buffer.from(`${username}:${form.get('password') ?? ''}`).toString('base64')}`;
}
