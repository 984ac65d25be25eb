/**
 * The authentication payload is a form body (`grant_type=password&username=u&password=p`).
 * It is posted as given; these helpers only read it (the API masks it for display).
 */
const SECRET_FIELD = /pass|secret|token|key|credential/i;

/** A field whose value is a credential: never shown, never logged. */
export function isSecretField(name: string): boolean {
  return SECRET_FIELD.test(name);
}

export function parsePayload(payload: string | null): URLSearchParams {
  return new URLSearchParams(payload ?? '');
}

/** Every value of a secret-looking field, so tests and logs can be checked for leaks. */
export function secretValues(payload: string | null): string[] {
  return [...parsePayload(payload)].filter(([k, v]) => isSecretField(k) && v).map(([, v]) => v);
}
