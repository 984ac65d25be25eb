import { readFileSync } from 'node:fs';
import { configSchema, ENV_CONFIG_KEYS } from './config.js';

/**
 * .env.example: every environment variable the gateway reads, with its default and the comment
 * of its field in src/config.ts. `npm run docs:env` writes it; a test keeps it current.
 */

/** The JSDoc above each schema field, as one line. */
function fieldComments(): Map<string, string> {
  const source = readFileSync(new URL('./config.ts', import.meta.url), 'utf8');
  const schema = source.slice(source.indexOf('export const configSchema'), source.indexOf('export type Config '));
  const comments = new Map<string, string>();
  for (const m of schema.matchAll(/\/\*\*([\s\S]*?)\*\/\s*\n\s*(\w+):/g)) {
    comments.set(m[2], m[1].split('\n').map((l) => l.replace(/^\s*\*?\s?/, '').trim()).filter(Boolean).join(' '));
  }
  return comments;
}

const shown = (value: unknown): string => (value === undefined ? '' : Array.isArray(value) ? value.join(',') : String(value));

export function renderEnvExample(): string {
  const comments = fieldComments();
  // Defaults made fresh on each parse (a random node id) are not defaults to copy.
  const once = configSchema.parse({});
  const twice = configSchema.parse({});
  const out = [
    '# Every setting the gateway reads from the environment, with its default (commented out: unset means the default).',
    '# Set them in the environment (systemd EnvironmentFile=, docker run --env-file, node --env-file=.env dist/src/main.js);',
    '# a JSON config file (CONFIG=path) takes the same settings by the key name in brackets, and a few more (src/config.ts).',
    '# Generated from src/config.ts by `npm run docs:env`; test/config.test.ts keeps it current.',
    '',
  ];
  for (const [name, key] of Object.entries(ENV_CONFIG_KEYS)) {
    const generated = JSON.stringify(once[key]) !== JSON.stringify(twice[key]);
    out.push(`# ${comments.get(key) ?? key} [${key}]`, `# ${name}=${generated ? '' : shown(once[key])}`, '');
  }
  return out.join('\n');
}

// npm run docs:env
if (process.argv[1]?.endsWith('envExample.ts')) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(new URL('../.env.example', import.meta.url), renderEnvExample());
}
