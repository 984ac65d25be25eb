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
