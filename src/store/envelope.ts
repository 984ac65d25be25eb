/**
 * The event log's contract: the one envelope every event travels in, as stored and delivered.
 * `id` stays the same across retries; the catalogue (src/notifications/catalogue.ts) types `data` per `type`.
 */
export interface Envelope<T extends string = string, D = unknown> {
  id: string;
  type: T;
  occurredAt: string;
  version: number;
  installationId: string;
  chargerId?: string;
  data: D;
}
