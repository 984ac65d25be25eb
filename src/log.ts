import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/**
 * Keys whose value is a secret wherever they appear, from the top down to two levels below it
 * (`password`, `auth.password`, `kafka.sasl.password`, `req.headers.authorization`): removed at
 * the logger, so a careless log call cannot leak them. New secret keys are added here.
 */
const SECRET_KEYS = ['password', 'token', 'adminToken', 'authorization', 'authPayload', 'secret'];

export const redactPaths = SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'ocpp-gateway' },
      redact: { paths: redactPaths, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

/** Characters of a masked id tag left readable: enough to tell tags apart in a support call. */
const ID_TAG_VISIBLE = 3;

/** An id tag as log lines show it (config logIdTags); never a secret, but personal data in some deployments. */
export function loggedIdTag(mode: 'plain' | 'masked', idTag: string): string {
  if (mode === 'plain') return idTag;
  const visible = idTag.length > 2 * ID_TAG_VISIBLE ? ID_TAG_VISIBLE : 0;
  return '*'.repeat(idTag.length - visible) + idTag.slice(idTag.length - visible);
}
