import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { ProviderSettings } from '../store/installations.js';
import { HttpError } from '../http/client.js';
import { TokenError } from './tokenService.js';
import { postToProvider, type ProviderCallDeps } from './providerCall.js';

/** docs/provider.md documents this body (version 1) with its JSON Schema; the 2.0.1 fields are optional additions. */
export interface SessionStartRequest {
  trigger: 'Authorize' | 'StartTransaction' | 'TransactionEvent';
  installationId: string;
  chargerId: string;
  /** The charger's OCPP version ('1.6', '2.0.1', '2.1'). */
  ocppVersion?: string;
  /** OCPP 2.0.1 IdTokenEnumType (or a 2.1 type such as DirectPayment); 1.6 id tags have none. */
  idTokenType?: string;
  /** OCPP 2.0.1 EVSE, where the charger named one. */
  evseId?: number;
  connectorId?: number;
  idTag: string;
  transactionId?: number;
  meterStart?: number;
  offline: boolean;
}

export type StartOutcome =
  | { kind: 'allowed'; expiryDate?: string; parentIdTag?: string; sessionId?: string; noCache?: true }
  | { kind: 'refused'; status: 'Blocked' | 'Expired' | 'Invalid' | 'ConcurrentTx'; reason: string; expiryDate?: string; parentIdTag?: string }
  | { kind: 'unreachable'; reason: string; detail: string };

const replySchema = z.object({
  allowed: z.boolean(),
  status: z.enum(['Accepted', 'Blocked', 'Expired', 'Invalid', 'ConcurrentTx']).optional(),
  expiryDate: z.iso.datetime({ offset: true }).optional(),
  parentIdTag: z.string().min(1).max(20).optional(),
  sessionId: z.string().min(1).max(255).optional(),
  reason: z.string().max(255).optional(),
  cache: z.boolean().optional(),
});

/** The session.start body; `test: true` marks a call made from the portal's Test button (no charger is waiting). */
export function sessionStartBody(req: SessionStartRequest, extra: { test?: true } = {}) {
  return { type: 'session.start', version: 1, id: randomUUID(), timestamp: new Date().toISOString(), ...req, ...extra };
}

/** A token or transport failure as an outcome; anything else is a bug and is thrown on. */
export function unreachableOutcome(err: unknown): StartOutcome & { kind: 'unreachable' } {
  if (err instanceof TokenError) return { kind: 'unreachable', reason: err.reason, detail: err.message };
  if (err instanceof HttpError) return { kind: 'unreachable', reason: err.code, detail: err.message };
  throw err;
}

export async function callSessionStart(deps: ProviderCallDeps, settings: ProviderSettings, req: SessionStartRequest): Promise<StartOutcome> {
  let res;
  try {
    res = await postToProvider(deps, settings, settings.sessionStartUrl as string, sessionStartBody(req));
  } catch (err) {
    return unreachableOutcome(err);
  }
  return classifyStartReply(res.status, res.body);
}

/** 2xx decides; 408, 429, 5xx and 3xx (never followed) mean unreachable; any other 4xx refuses. */
export function classifyStartReply(status: number, text: string): StartOutcome {
  if (status >= 200 && status <= 299) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { kind: 'unreachable', reason: 'malformed_reply', detail: 'reply is not JSON' };
    }
    const parsed = replySchema.safeParse(json);
    if (!parsed.success) return { kind: 'unreachable', reason: 'malformed_reply', detail: parsed.error.issues[0]?.message ?? 'invalid' };
    const r = parsed.data;
    const extra = { ...(r.expiryDate && { expiryDate: r.expiryDate }), ...(r.parentIdTag && { parentIdTag: r.parentIdTag }) };
    if (r.allowed) return { kind: 'allowed', ...extra, ...(r.sessionId && { sessionId: r.sessionId }), ...(r.cache === false && { noCache: true as const }) };
    const refusal = r.status && r.status !== 'Accepted' ? r.status : 'Invalid';
    return { kind: 'refused', status: refusal, reason: r.reason ? `provider_refused:${r.reason}` : 'provider_refused', ...extra };
  }
  if (status === 408 || status === 429 || status >= 500) return { kind: 'unreachable', reason: `http_${status}`, detail: `provider answered ${status}` };
  if (status >= 300 && status <= 399) return { kind: 'unreachable', reason: 'redirect_not_followed', detail: `provider answered ${status}` };
  return { kind: 'refused', status: 'Invalid', reason: `provider_http_${status}` };
}
