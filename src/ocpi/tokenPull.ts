import type { HttpClient } from '../http/client.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/index.js';
import type { Partner } from '../store/ocpiPartners.js';
import type { OcpiToken } from '../store/ocpiTokens.js';
import { callPartner, HandshakeError, type CallResult } from './client.js';
import { OCPI_STATUS, issues } from './envelope.js';
import { endpointOf } from './handshake.js';
import { ownsParty, tokenSchema } from './tokenRoutes.js';

/** A list longer than this many pages is cut: a partner whose Link never ends must not hold a pull for ever. */
const MAX_PAGES = 10_000;
const PAGE_LIMIT = 1_000;

export interface PullResult {
  pages: number;
  stored: number;
  /** Tokens not taken, with why (invalid, another party's); the first few only. */
  skipped: number;
  problems: string[];
}

/**
 * Pulls the eMSP's whole token list from its tokens Sender (GET, paginated, OCPI 2.2.1
 * §12.2.1.1) and keeps each Token as a push would. Pages follow the Link header, but only on the
 * endpoint's own origin: our credentials token goes nowhere the partner did not register.
 */
export async function pullTokens(
  deps: { http: HttpClient; store: Store; log: Logger; changed(uid: string, type: string): void },
  partner: Partner,
  opts: { since?: string; timeoutMs?: number } = {},
): Promise<PullResult> {
  const endpoint = endpointOf(partner, 'tokens', 'SENDER');
  if (!endpoint || !partner.outboundToken) throw new HandshakeError('the partner has no tokens Sender endpoint');
  const first = new URL(endpoint);
  first.searchParams.set('limit', String(PAGE_LIMIT));
  if (opts.since) first.searchParams.set('date_from', opts.since);
  const result: PullResult = { pages: 0, stored: 0, skipped: 0, problems: [] };
  const skip = (why: string) => {
    result.skipped++;
    if (result.problems.length < 10) result.problems.push(why);
  };

  for (let url: string | undefined = first.href; url && result.pages < MAX_PAGES; result.pages++) {
    if (new URL(url).origin !== first.origin) throw new HandshakeError(`page ${result.pages + 1}: the Link leads to another origin (${new URL(url).origin}); not followed`);
    const r: CallResult<unknown[]> = await callPartner<unknown[]>(deps.http, { method: 'GET', url, token: partner.outboundToken, timeoutMs: opts.timeoutMs ?? 30_000 });
    if (r.kind === 'unreachable') throw new HandshakeError(`page ${result.pages + 1}: unreachable (${r.reason})`);
    if (r.statusCode !== OCPI_STATUS.SUCCESS || !Array.isArray(r.data)) throw new HandshakeError(`page ${result.pages + 1}: HTTP ${r.httpStatus}, OCPI status ${r.statusCode}`);
    for (const item of r.data) {
      const parsed = tokenSchema.safeParse(item);
      if (!parsed.success) {
        skip(`invalid token: ${issues(parsed.error)}`);
        continue;
      }
      const token = parsed.data as OcpiToken;
      if (!ownsParty(partner, token.country_code, token.party_id)) {
        skip(`${token.country_code}/${token.party_id} ${token.uid}: not a party of this connection`);
        continue;
      }
      await deps.store.ocpiTokens.put(partner.id, token);
      deps.changed(token.uid, token.type);
      result.stored++;
    }
    url = r.next;
  }
  deps.log.info({ partnerId: partner.id, ...result }, 'OCPI tokens pulled');
  return result;
}
