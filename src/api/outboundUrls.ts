import type { AddressPolicy } from '../http/addressPolicy.js';
import { ApiError, type FieldError } from './errors.js';

/**
 * Refuses, at save time, URLs the gateway would refuse to call (loopback, private and other
 * special ranges, or a host that does not resolve), naming each field. Runs after the schema,
 * since resolving is async; the HTTP client checks again on the address it connects to.
 */
export async function requireOutboundUrls(policy: AddressPolicy, urls: Record<string, string | null | undefined>): Promise<void> {
  const checks = Object.entries(urls)
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
    .map(async ([field, url]): Promise<FieldError | undefined> => {
      const verdict = await policy.checkUrl(url);
      return verdict.ok ? undefined : { field, message: `is refused: ${verdict.reason}` };
    });
  const errors = (await Promise.all(checks)).filter((e): e is FieldError => e !== undefined);
  if (errors.length) throw new ApiError('VALIDATION_FAILED', `Invalid body: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`, errors);
}
