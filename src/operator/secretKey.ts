import { randomBytes } from 'node:crypto';
import { createSecretBox, writeSecretKeyFile } from '../secrets.js';
import type { Command } from './context.js';

/**
 * A new key seals every stored secret (provider credentials, subscription secrets, TOTP secrets).
 * With the key file in dataDir: the file first holds the new key and the old one, then the
 * secrets are sealed again in one transaction, then the old key leaves the file; a crash at any
 * point leaves a file the gateway opens everything with (and its start finishes the reseal).
 * With SECRET_KEY configured the CLI cannot change the environment: it prints the new key to set.
 */
export const rotateSecretKey: Command = {
  usage: 'rotate-secret-key',
  summary: 'generates a new secret key and seals every stored secret with it (stop the gateway first: it holds the old key)',
  options: {},
  async run(ctx) {
    const next = randomBytes(32);
    const { current, previous, file } = ctx.keys;
    const readable = [current, ...previous, ...ctx.config.previousSecretKeys.map((k) => Buffer.from(k, 'base64'))];
    if (file) writeSecretKeyFile(file, [next, ...readable]);
    const box = createSecretBox(next, readable);
    const resealed = await ctx.store.transact((tx) => tx.sealedSecrets.reseal(box));
    if (file) {
      writeSecretKeyFile(file, [next]);
      ctx.note(`New secret key written to ${file}; ${resealed} stored secrets sealed with it. Back the file up with the database.`);
      return;
    }
    ctx.note(
      `${resealed} stored secrets sealed with a new key. SECRET_KEY is configured, so set it to the key below on every node ` +
        'before starting them (the old key no longer opens anything); back it up with the database:',
    );
    ctx.print(next.toString('base64'));
  },
};
