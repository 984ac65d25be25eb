import { z } from 'zod';

/**
 * Field rules shared by several resources, so a charger id means the same thing in a body,
 * a query string and the OpenAPI document. Control characters are refused everywhere: they
 * have no business in names or ids, and PostgreSQL rejects NUL in text.
 */
const NO_CONTROL_CHARS = /^[^\p{Cc}]*$/u;

export { chargerIdField } from '../../chargerId.js';

/** Longest id token a charger can send: OCPP 2.0.1 IdTokenType.idToken (1.6 idTags stop at 20, their schema refuses more). */
export const ID_TAG_MAX = 36;

/** An OCPP CiString: printable ASCII, 1 to `max` characters; `which` names the spec's rule in the error. */
const ciString = (max: number, which: string) =>
  z
    .string()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters (${which})`)
    .regex(/^[\x20-\x7E]*$/, 'must be printable ASCII (OCPP CiString)');

/** OCPP 2.0.1 IdTokenType.idToken is identifierString[36]; a 1.6 charger's schema stops its idTag at 20. */
export const idTagField = ciString(ID_TAG_MAX, 'OCPP 2.0.1 idToken');

/** Sent to 1.6 chargers as parentIdTag (CiString20) and to 2.0.1 chargers as groupIdToken: the shorter rule holds. */
export const parentIdTagField = ciString(20, 'OCPP 1.6 parentIdTag, CiString20');

/**
 * The id-token types a native tag may be limited to: OCPP 2.0.1 IdTokenEnumType and 2.1's
 * additions, except DirectPayment, which only the provider decides.
 */
export const idTokenTypeField = z.enum(['Central', 'eMAID', 'EVCCID', 'ISO14443', 'ISO15693', 'KeyCode', 'Local', 'MacAddress', 'NoAuthorization', 'VIN'], {
  error: 'must be an OCPP id-token type: Central, eMAID, EVCCID, ISO14443, ISO15693, KeyCode, Local, MacAddress, NoAuthorization or VIN',
});

/** Trimmed, so " Depot " and "Depot" are one name. */
export const installationNameField = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .regex(NO_CONTROL_CHARS, 'must not contain control characters');

/** Installation ids are UUIDs we generate; the filter only needs to be safe to query with. */
export const installationIdField = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(NO_CONTROL_CHARS, 'must not contain control characters');

/** Query-string integers arrive as text; `max` keeps them inside PostgreSQL's int4. */
export function integerText(min: number, max: number, fallback: number) {
  return z
    .string()
    .regex(/^\d{1,10}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
    // Documented as the number the client means, not as the digits it types.
    .meta({ type: 'integer', minimum: min, maximum: max, description: `Default ${fallback}` })
    .default(fallback);
}

export const INT4_MAX = 2_147_483_647;

/**
 * Path ids that cannot name a stored row are "not found" rather than "invalid": the client
 * asked for a thing, and there is no such thing. Checked before querying so odd bytes never
 * reach the database.
 */
export function isPlausiblePathId(id: string, maxLength = 200): boolean {
  return id.length > 0 && id.length <= maxLength && NO_CONTROL_CHARS.test(id);
}

/** Loose on purpose (admin@localhost is fine): the address is a sign-in name, not a mailbox we write to. */
export const emailField = z
  .string()
  .trim()
  .toLowerCase()
  .max(320, 'must be at most 320 characters')
  .regex(/^[^\s@]+@[^\s@]+$/, 'must be an email address');

export const roleField = z.enum(['owner', 'service'], { error: 'must be owner or service' });

/** A person's password: long enough to resist guessing at the scrypt cost (users/login.ts). */
export const userPasswordField = z.string().min(12, 'must be at least 12 characters').max(1024, 'must be at most 1024 characters');
