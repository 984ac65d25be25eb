import { isSecretField, parsePayload } from '../providers/payload.js';

/** `password=***`: field names stay visible so owners can see what is set. */
export function maskPayload(payload: string): string {
  const out: string[] = [];
  for (const [k, v] of parsePayload(payload)) out.push(`${encodeURIComponent(k)}=${isSecretField(k) ? '***' : encodeURIComponent(v)}`);
  return out.join('&');
}
