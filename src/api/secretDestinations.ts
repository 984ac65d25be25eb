import { ApiError } from './errors.js';

/**
 * Stored secrets are write-only: no caller reads them back, so no caller may send them elsewhere
 * either. Whoever changes where one goes (a URL, a broker list) must give it again in the same
 * request; repeating the stored destination is no change.
 */
export interface SecretDestinations {
  /** The secret's field as the API names it, e.g. `authentication.authPayload`. */
  secret: string;
  /** A secret is stored now. */
  stored: boolean;
  /** This request gives it again (null, to drop it, counts). */
  given: boolean;
  /** Each destination field as the API names it: its stored value and this request's (undefined: not being set). */
  destinations: Record<string, { before: unknown; after: unknown }>;
}

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The destination fields `d` moves elsewhere. */
function moved(d: SecretDestinations): string[] {
  return Object.entries(d.destinations)
    .filter(([, v]) => v.after !== undefined && !sameValue(v.before, v.after))
    .map(([field]) => field);
}

/** Throws SECRET_REQUIRED naming every secret whose destination changes without it. */
export function requireSecretsForNewDestinations(...checks: SecretDestinations[]): void {
  const missing = checks
    .filter((d) => d.stored && !d.given)
    .map((d) => ({ d, fields: moved(d) }))
    .filter(({ fields }) => fields.length > 0)
    .map(({ d, fields }) => ({ field: d.secret, message: `must be given again to be sent to a new ${fields.join(', ')}` }));
  if (missing.length > 0) throw new ApiError('SECRET_REQUIRED', undefined, missing);
}
