// The gateway's own logger (src/log.ts) removes secrets by path, whatever the call site logs.

import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.js';

const REDACTED = '[redacted]';

function captured() {
  const lines: Record<string, any>[] = [];
  const log = createLogger('debug', { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { log, lines };
}

describe('logger redaction', () => {
  const cases: [string, object, string[][]][] = [
    ['password', { password: 'p' }, [['password']]],
    ['token and adminToken', { token: 't', adminToken: 'a' }, [['token'], ['adminToken']]],
    ['an authorization header', { headers: { authorization: 'Bearer x' } }, [['headers', 'authorization']]],
    ["a request's authorization header", { req: { headers: { authorization: 'Basic x' } } }, [['req', 'headers', 'authorization']]],
    ['a password one level down', { auth: { password: 'p' } }, [['auth', 'password']]],
    ['a password two levels down', { kafka: { sasl: { password: 'p' } } }, [['kafka', 'sasl', 'password']]],
    ['a subscription secret two levels down', { subscription: { signing: { secret: 's' } } }, [['subscription', 'signing', 'secret']]],
    ['an auth payload', { installation: { authPayload: '{"apiKey":"k"}' } }, [['installation', 'authPayload']]],
  ];

  it.each(cases)('redacts %s', (_name, fields, paths) => {
    const { log, lines } = captured();
    log.info(fields, 'with a secret');
    for (const path of paths) expect(path.reduce((o: any, k) => o?.[k], lines[0]), path.join('.')).toBe(REDACTED);
  });

  it('redacts in child loggers and keeps what is not a secret', () => {
    const { log, lines } = captured();
    log.child({ chargerId: 'CP-1' }).warn({ auth: { username: 'cp', password: 'pw', passwordSet: true }, tokenUrl: 'http://x/token' }, 'login');
    expect(lines[0]).toMatchObject({
      chargerId: 'CP-1',
      service: 'ocpp-gateway',
      auth: { username: 'cp', password: REDACTED, passwordSet: true },
      tokenUrl: 'http://x/token',
    });
    expect(JSON.stringify(lines)).not.toContain('"pw"');
  });
});
