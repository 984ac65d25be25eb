import type { HttpClient } from '../http/client.js';
import type { DeliveryResult } from '../providers/sessionEnd.js';
import type { Partner } from '../store/ocpiPartners.js';
import type { Store } from '../store/index.js';
import { callPartner } from './client.js';
import { OCPI_STATUS } from './envelope.js';

/** One request of an outbox push to an eMSP. */
export interface PartnerRequest {
  method: 'PUT' | 'PATCH' | 'POST';
  url: string;
  body: unknown;
}

/** The partner a push goes to, or the push's end when it is gone or lost its registration. */
export async function registeredPartner(store: Store, partnerId: string): Promise<Partner | DeliveryResult> {
  const partner = await store.ocpiPartners.get(partnerId);
  if (!partner || partner.state !== 'registered' || !partner.outboundToken) return { outcome: 'cancel', error: 'the partner is not registered any more' };
  return partner;
}

/** Sends it with the partner's token: delivered on OCPI status 1000 (or one of `alsoDone`), else retried. */
export async function sendToPartner(http: HttpClient, partner: Partner, request: PartnerRequest, alsoDone: number[] = []): Promise<DeliveryResult> {
  const r = await callPartner(http, { ...request, token: partner.outboundToken!, timeoutMs: 10_000 });
  if (r.kind === 'unreachable') return { outcome: 'retry', status: null, error: `eMSP unreachable (${r.reason})` };
  if (r.httpStatus < 300 && r.statusCode === OCPI_STATUS.SUCCESS) return { outcome: 'delivered', status: r.httpStatus };
  if (alsoDone.includes(r.statusCode)) return { outcome: 'delivered', status: r.httpStatus };
  return { outcome: 'retry', status: r.httpStatus, error: `eMSP answered HTTP ${r.httpStatus}, OCPI status ${r.statusCode}` };
}
