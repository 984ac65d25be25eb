import type { HttpClient } from '../../http/client.js';
import type { Subscription, SubscriptionSecrets } from '../../store/subscriptions.js';
import type { DeliveryRecord, DeliveryStore } from '../../store/deliveries.js';
import type { KafkaSettings, KafkaSink } from './kafka/sink.js';
import type { Envelope } from '../../store/envelope.js';
import { postEvent, type AttemptResult } from './webhookSink.js';

export interface DeliverDeps {
  http: HttpClient;
  kafka: { get(settings: KafkaSettings): KafkaSink };
  deliveries: Pick<DeliveryStore, 'record'>;
  /** Told every attempt's result (counted at /metrics). */
  attempted?(result: AttemptResult): void;
}

async function publishKafka(deps: DeliverDeps, sub: Subscription, secrets: SubscriptionSecrets, envelope: Envelope): Promise<AttemptResult> {
  const k = sub.kafka!;
  const started = performance.now();
  const result = await deps.kafka
    .get({
      brokers: k.brokers,
      topic: k.topic,
      securityProtocol: k.securityProtocol,
      ...(k.saslMechanism && { saslMechanism: k.saslMechanism }),
      ...(k.username && { username: k.username }),
      ...(secrets.kafkaPassword && { password: secrets.kafkaPassword }),
      timeoutMs: sub.timeoutMs,
    })
    // Keyed by charger: Kafka keeps order per key, so per charger.
    .send([{ key: envelope.chargerId ?? envelope.installationId, value: JSON.stringify(envelope), headers: { 'event-type': envelope.type, 'event-id': envelope.id } }]);
  const latencyMs = performance.now() - started;
  const none = { status: null, gone: false, retryAfterMs: null, response: null, request: null, responseHeaders: null, latencyMs };
  return result.ok ? { ok: true, error: null, ...none } : { ok: false, error: result.error, ...none };
}

/** One attempt to one subscriber, recorded in the delivery log whatever happens. */
export async function deliverOnce(
  deps: DeliverDeps,
  sub: Subscription,
  secrets: SubscriptionSecrets,
  envelope: Envelope,
  meta: { attempt: number; mode: string; timeoutMs?: number; /** Collects the log row instead of writing it (the caller writes a batch). */ log?: DeliveryRecord[] },
): Promise<AttemptResult> {
  const at = new Date().toISOString();
  const result =
    sub.kind === 'kafka'
      ? await publishKafka(deps, sub, secrets, envelope)
      : await postEvent(deps.http, sub, secrets, envelope, meta.timeoutMs ?? sub.timeoutMs);
  deps.attempted?.(result);
  const row: DeliveryRecord = {
    subscriptionId: sub.id,
    eventId: envelope.id,
    eventType: envelope.type,
    attempt: meta.attempt,
    mode: meta.mode,
    status: result.status,
    ok: result.ok,
    latencyMs: result.latencyMs,
    error: result.error,
    response: result.response,
    request: result.request,
    responseHeaders: result.responseHeaders,
    at,
  };
  if (meta.log) meta.log.push(row);
  else await deps.deliveries.record(row);
  return result;
}
