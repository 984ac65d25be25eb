import { Router, type Request } from 'express';
import { z } from 'zod';
import type { Store } from '../store/index.js';
import type { OcpiToken } from '../store/ocpiTokens.js';
import { OCPI_STATUS, OcpiError, invalidParameters, issues, success } from './envelope.js';
import { partnerOf } from './partnerAuth.js';
import type { Partner } from '../store/ocpiPartners.js';

const ciString = (max: number) => z.string().min(1).max(max);
export const TOKEN_TYPES = ['AD_HOC_USER', 'APP_USER', 'OTHER', 'RFID'] as const;
export const WHITELIST_TYPES = ['ALWAYS', 'ALLOWED', 'ALLOWED_OFFLINE', 'NEVER'] as const;

/** OCPI 2.2.1 Token (§12.3.2); fields the gateway does not use are kept as sent. */
export const tokenSchema = z.looseObject({
  country_code: z.string().regex(/^[A-Za-z]{2}$/, 'two letters'),
  party_id: z.string().regex(/^[A-Za-z0-9]{3}$/, 'three letters or digits'),
  uid: ciString(36),
  type: z.enum(TOKEN_TYPES),
  contract_id: ciString(36),
  visual_number: z.string().max(64).nullish(),
  issuer: z.string().min(1).max(64),
  group_id: ciString(36).nullish(),
  valid: z.boolean(),
  whitelist: z.enum(WHITELIST_TYPES),
  language: z.string().length(2).nullish(),
  last_updated: z.iso.datetime({ offset: true }),
});

const typeQuery = z.object({ type: z.enum(TOKEN_TYPES).default('RFID') });

/** Whether a country code and party id are one of the partner's own roles: only it may write their tokens. */
export const ownsParty = (partner: Partner, cc: string, pid: string) =>
  partner.roles.some((r) => r.country_code.toUpperCase() === cc.toUpperCase() && r.party_id.toUpperCase() === pid.toUpperCase());

/** The URL's token, checked against the partner's own roles: another party's objects are not there (404). */
function urlKey(req: Request) {
  const partner = partnerOf(req);
  const { country_code: cc, party_id: pid, uid } = req.params as Record<string, string>;
  if (!ownsParty(partner, cc!, pid!)) throw new OcpiError(404, OCPI_STATUS.CLIENT_ERROR, `${cc}/${pid} is not a party of this connection`);
  const q = typeQuery.safeParse(req.query);
  if (!q.success) throw invalidParameters(`type: ${issues(q.error)}`);
  if (uid!.length > 36) throw invalidParameters('token_uid: at most 36 characters');
  return { partnerId: partner.id, key: { countryCode: cc!, partyId: pid!, uid: uid!, type: q.data.type } };
}

const same = (a: string, b: string) => a.toUpperCase() === b.toUpperCase();

/** The object's identity must be the URL's (OCPI 2.2.1 §4.1.5.1: 2001 otherwise). */
function checkIdentity(token: OcpiToken, key: { countryCode: string; partyId: string; uid: string; type: string }): void {
  const mismatch = [
    !same(token.country_code, key.countryCode) && 'country_code',
    !same(token.party_id, key.partyId) && 'party_id',
    !same(token.uid, key.uid) && 'uid',
    token.type !== key.type && 'type',
  ].filter(Boolean);
  if (mismatch.length) throw invalidParameters(`${mismatch.join(', ')} differ(s) from the URL`);
}

/** Tokens receiver: {tokens}/{country_code}/{party_id}/{uid}[?type=] (OCPI 2.2.1 §12.2.1). */
export function tokenRoutes(store: Store, changed: (uid: string, type: string) => void): Router {
  const router = Router();
  const path = '/:country_code/:party_id/:uid';

  router.get(path, async (req, res) => {
    const { key } = urlKey(req);
    const stored = await store.ocpiTokens.get(key);
    if (!stored) throw new OcpiError(404, OCPI_STATUS.UNKNOWN_TOKEN, 'Unknown token');
    res.json(success(stored.token));
  });

  /** A whole Token as the URL names it: validated, stored, and the decisions about it forgotten. */
  const keep = async (partnerId: string, key: ReturnType<typeof urlKey>['key'], body: unknown): Promise<void> => {
    const parsed = tokenSchema.safeParse(body);
    if (!parsed.success) throw invalidParameters(issues(parsed.error));
    const token = parsed.data as OcpiToken;
    checkIdentity(token, key);
    await store.ocpiTokens.put(partnerId, token);
    changed(token.uid, token.type);
  };

  router.put(path, async (req, res) => {
    const { partnerId, key } = urlKey(req);
    await keep(partnerId, key, req.body);
    res.json(success());
  });

  router.patch(path, async (req, res) => {
    const { partnerId, key } = urlKey(req);
    if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) throw invalidParameters('body: a partial Token object');
    if (req.body.last_updated === undefined) throw invalidParameters('last_updated is required in a PATCH');
    const stored = await store.ocpiTokens.get(key);
    if (!stored) throw new OcpiError(404, OCPI_STATUS.UNKNOWN_TOKEN, 'Unknown token: PUT it first');
    await keep(partnerId, key, { ...stored.token, ...req.body });
    res.json(success());
  });
  return router;
}
