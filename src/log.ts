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
