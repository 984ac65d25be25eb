import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicPayload, PROVIDER_PASSWORD, startProviderSetup, type ProviderSetup } from '../helpers/provider.js';

const WARNING = 'no secretKey configured: generated one; keep it with the database, credentials cannot be read without it';

describe('start-up without a secret key', () => {
  let w: ProviderSetup;
  beforeAll(async () => {
    w = await startProviderSetup('sqlite', { secretKey: undefined }, { rules: { defaultAllowed: true } });
  });
  afterAll(() => w?.stop());

  const keyFile = () => join(w.t.db.dataDir, 'secret.key');

  it('generates a 32-byte key in DATA_DIR, readable by its owner only, and warns once', async () => {
    const stat = statSync(keyFile());
    expect(stat.mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(keyFile(), 'utf8').trim(), 'base64')).toHaveLength(32);
    const warnings = w.t.logs.filter((l) => l.msg === WARNING);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 40, file: keyFile() });
    // The warning names the file, never the key.
    expect(JSON.stringify(w.t.logs)).not.toContain(readFileSync(keyFile(), 'utf8').trim());
  });

  it('uses the same key after a restart, so secrets sealed before it still open', async () => {
    const key = readFileSync(keyFile(), 'utf8');
    await w.installation(['GEN-1'], { mode: 'webhook', authPayload: basicPayload, sessionStartUrl: w.provider.startUrl });
    await w.t.restart();
    expect(readFileSync(keyFile(), 'utf8')).toBe(key);
    expect(w.t.logs.filter((l) => l.msg === WARNING)).toHaveLength(1);
    const c = w.t.charger('GEN-1');
    await c.connect();
    expect((await c.authorize('GEN-TAG')).idTagInfo.status).toBe('Accepted');
    await c.close();
    expect(w.provider.received.starts.at(-1)!.headers.authorization).toBe(`Basic ${Buffer.from(`gateway:${PROVIDER_PASSWORD}`).toString('base64')}`);
  });
});
