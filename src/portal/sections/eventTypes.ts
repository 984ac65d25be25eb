import { api } from '../api.js';

let cached: Promise<string[]> | undefined;

/**
 * The event catalogue, read from the gateway's own OpenAPI document rather than copied here,
 * so a new event type appears in the portal without a portal change.
 */
export function eventTypes(): Promise<string[]> {
  cached ??= api('GET', '/api/openapi.json')
    .then((doc) => doc?.components?.schemas?.Subscription?.properties?.events?.items?.enum as string[] | undefined)
    .then((list) => (list ?? ['*']).filter((t) => t !== '*'))
    .catch(() => []);
  return cached;
}
