import { z } from 'zod';

/**
 * What a charger id may be, wherever one arrives: the API's bodies and queries, and the
 * WebSocket handshake (ws://…/ocpp/{chargerId}). Printable ASCII without space or "/": the id is
 * the last path segment.
 */
export const chargerIdField = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[\x21-\x2E\x30-\x7E]+$/, 'must be printable ASCII without whitespace or "/"')
  // URL parsers resolve these as path segments, so such a charger could never be addressed.
  .refine((id) => id !== '.' && id !== '..', 'must not be "." or ".."');

/** Why this charger id is not acceptable, or undefined when it is. */
export function chargerIdProblem(id: string): string | undefined {
  const parsed = chargerIdField.safeParse(id);
  return parsed.success ? undefined : parsed.error.issues[0]?.message;
}
