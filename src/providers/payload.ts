/**
 * The authentication payload is a form body (`grant_type=password&username=u&password=p`).
 * It is posted as given; these helpers only read it, or mask it for display.
 */
const SECRET_FIELD = /pass|secret|token|key|credential/i;

export function parsePayload(payload: string | null): URLSearchParams {
  return new URLSearchParams(payload ?? '');
}

/** `password=***`: field names stay visible so owners can see what is set. */
export function maskPayload(payload: string): string {
  const params = parsePayload(payload);
  const out: string[] = [];
  for (const [k, v] of params) out.push(`${encodeURIComponent(k)}=${SECRET_FIELD.test(k) ? '***' : encodeURIComponent(v)}`);
  return out.join('&');
}

/** Every value of a secret-looking field, so tests and logs can be checked for leaks. */
export function secretValues(payload: string | null): string[] {
  return [...parsePayload(payload)].filter(([k, v]) => SECRET_FIELD.test(k) && v).map(([, v]) => v);
}
