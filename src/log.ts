import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/**
 * Secrets are removed at the logger, by path, so a careless log call cannot leak them.
 * Later settings (provider payloads, subscription secrets) add their paths here.
 */
export const redactPaths = [
  'password',
  '*.password',
  'token',
  '*.token',
  'adminToken',
  '*.adminToken',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'req.headers.authorization',
  'authPayload',
  '*.authPayload',
  'secret',
  '*.secret',
];

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
