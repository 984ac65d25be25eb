import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface GatewayProcess {
  child: ChildProcess;
  ocppPort: number;
  httpPort: number;
  lines: Record<string, any>[];
  stderr: string[];
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

/** The gateway as a real process (src/main.ts through tsx), for crash and restart tests. */
export function spawnGateway(env: Record<string, string>, startTimeoutMs = 15_000): Promise<GatewayProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    // The simulators listen on 127.0.0.1, which the gateway refuses to call by default.
    env: { PATH: process.env.PATH ?? '', OCPP_PORT: '0', HTTP_PORT: '0', HOST: '127.0.0.1', PING_INTERVAL_SEC: '0', OUTBOUND_ALLOW_LIST: '127.0.0.0/8,::1/128', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, any>[] = [];
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (l) => stderr.push(l));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start: ${stderr.join('\n')}`)), startTimeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${code}: ${stderr.join('\n')}`));
    });
    createInterface({ input: child.stdout! }).on('line', (l) => {
      const line = JSON.parse(l);
      lines.push(line);
      if (line.msg !== 'gateway started') return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({
        child,
        ocppPort: line.ocppPort,
        httpPort: line.httpPort,
        lines,
        stderr,
        kill(signal = 'SIGKILL') {
          return new Promise((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done(child.exitCode);
            child.once('exit', (code) => done(code));
            child.kill(signal);
          });
        },
      });
    });
  });
}

/** A spawned gateway's environment on `db`, its outbox retrying within a test's patience. */
export function outboxTestEnv(db: { dataDir: string; databaseUrl?: string }, adminToken: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATA_DIR: db.dataDir,
    ADMIN_TOKEN: adminToken,
    OUTBOX_RETRY_BASE_MS: '100',
    OUTBOX_RETRY_MAX_MS: '300',
    OUTBOX_POLL_MS: '100',
    ...(db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : {}),
    ...extra,
  };
}

/** JSON calls to whichever spawned gateway `current()` is now (it changes across a restart). */
export function processApi(current: () => GatewayProcess | undefined, adminToken: string) {
  return async (method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> => {
    const res = await fetch(`http://127.0.0.1:${current()!.httpPort}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };
}
