import { z } from 'zod';
import { CATALOGUE, EVENT_TYPES } from './catalogue.js';
import { exampleEnvelope } from './examples.js';

export function renderEventsDoc(): string {
  const out: string[] = [
    '# Event catalogue',
    '',
    '<!-- Written by `npm run docs:events` from src/notifications/catalogue.ts; a test fails when it is out of date. -->',
    '',
    'Every event travels in one envelope: `{ id, type, occurredAt, version, installationId, chargerId?, data }`.',
    '`id` is unique and stays the same across retries (de-duplicate on it); `version` is the version of',
    "the event's `data` schema. An event is written in the same database transaction as the change that",
    'caused it, and only when at least one subscription wants it.',
    '',
    'Webhook calls carry `Content-Type: application/json`, `X-Event`, `X-Version`, `X-Event-Id`,',
    '`X-Subscription-Id` (when set), and the signature of the subscription: `X-Signature:',
    'hex(HMAC-SHA256(secret, raw body))`, or Standard Webhooks (`webhook-id`, `webhook-timestamp`,',
    '`webhook-signature: v1,<base64>`). Kafka messages carry the same envelope as value, the charger id',
    '(or the installation id) as key and `event-type` / `event-id` headers.',
    '',
    '| event | version | about |',
    '|---|---|---|',
    ...EVENT_TYPES.map((t) => `| [\`${t}\`](#${t.replace(/[._]/g, '')}) | ${CATALOGUE[t].version} | ${CATALOGUE[t].description} |`),
    '',
    '## Rotating a signing secret',
    '',
    '`POST /api/subscriptions/{id}/secret` (or Notifications → a subscription → Signing secret in the portal)',
    'sets a new secret, given or generated, and shows it once. For the overlap you choose (24 hours unless',
    'you say otherwise, at most 7 days) the old secret keeps signing beside the new one, so the receiver can',
    'switch over without refusing a single event:',
    '',
    '- Standard Webhooks: `webhook-signature` carries one `v1,<base64>` entry per secret, separated by a',
    '  space, the new secret\'s first. A receiver that accepts any matching entry (as the Standard Webhooks',
    '  libraries do) keeps working with either secret.',
    '- `X-Signature` holds one value: it is computed with the new secret from the rotation on. Give the',
    '  receiver the new secret first (it may accept both during the overlap), then rotate.',
    '',
    'With an overlap of 0, or when a secret is set with `PATCH /api/subscriptions/{id}`, the old secret stops',
    'signing at once.',
    '',
  ];
  for (const type of EVENT_TYPES) {
    const def = CATALOGUE[type];
    const { $schema: _d, ...schema } = z.toJSONSchema(def.data) as Record<string, unknown>;
    const example = exampleEnvelope(type, { id: '3f9a1c2e-8b7d-4e61-9a55-2c0d6f4b8e17', occurredAt: '2026-11-23T10:15:02.125Z', installationId: '5b0e9c1a-7d2f-4f3e-8a61-0c9e2d4b7a13' });
    out.push(`## ${type}`, '', def.description, '', 'Schema of `data`:', '', '```json', JSON.stringify(schema, null, 2), '```', '', 'Example:', '', '```json', JSON.stringify(example, null, 2), '```', '');
  }
  return out.join('\n');
}

// npm run docs:events
if (process.argv[1]?.endsWith('eventsDoc.ts')) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(new URL('../../docs/events.md', import.meta.url), renderEventsDoc());
}
