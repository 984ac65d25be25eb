import type { Db } from './db.js';
import type { OcpiTokenTable } from './schema.js';

export type Whitelist = 'ALWAYS' | 'ALLOWED' | 'ALLOWED_OFFLINE' | 'NEVER';

/** An OCPI Token as the eMSP pushed it (field names as in the spec). */
export interface OcpiToken {
  country_code: string;
  party_id: string;
  uid: string;
  type: string;
  contract_id: string;
  issuer: string;
  group_id?: string | null;
  valid: boolean;
  whitelist: Whitelist;
  last_updated: string;
  [field: string]: unknown;
}

export interface StoredToken {
  partnerId: string;
  token: OcpiToken;
}

export interface TokenKey {
  countryCode: string;
  partyId: string;
  uid: string;
  type: string;
}

const toStored = (row: OcpiTokenTable): StoredToken => ({ partnerId: row.partner_id, token: JSON.parse(row.token) });

function keyed(key: TokenKey) {
  return { country_code: key.countryCode.toUpperCase(), party_id: key.partyId.toUpperCase(), uid_key: key.uid.toUpperCase(), type: key.type };
}

export function ocpiTokenStore(db: Db) {
  const where = (key: TokenKey) => {
    const k = keyed(key);
    return db
      .selectFrom('ocpi_tokens')
      .selectAll()
      .where('country_code', '=', k.country_code)
      .where('party_id', '=', k.party_id)
      .where('uid_key', '=', k.uid_key)
      .where('type', '=', k.type);
  };
  return {
    async get(key: TokenKey): Promise<StoredToken | undefined> {
      const row = await where(key).executeTakeFirst();
      return row && toStored(row);
    },

    /** Insert or replace: a PUT, or a PATCH already merged with what was stored. */
    async put(partnerId: string, token: OcpiToken): Promise<void> {
      const k = keyed({ countryCode: token.country_code, partyId: token.party_id, uid: token.uid, type: token.type });
      const row: OcpiTokenTable = {
        partner_id: partnerId,
        ...k,
        uid: token.uid,
        contract_id: token.contract_id,
        issuer: token.issuer,
        group_id: token.group_id ?? null,
        valid: token.valid ? 1 : 0,
        whitelist: token.whitelist,
        last_updated: token.last_updated,
        token: JSON.stringify(token),
        received_at: new Date().toISOString(),
      };
      const { country_code: _c, party_id: _p, uid_key: _u, type: _t, ...changes } = row;
      await db
        .insertInto('ocpi_tokens')
        .values(row)
        .onConflict((oc) => oc.columns(['country_code', 'party_id', 'uid_key', 'type']).doUpdateSet(changes))
        .execute();
    },

    /** Every pushed token a charger's id tag may be (any eMSP), oldest partner first. */
    async byUid(uid: string, type: string): Promise<StoredToken[]> {
      const rows = await db.selectFrom('ocpi_tokens').selectAll().where('uid_key', '=', uid.toUpperCase()).where('type', '=', type).orderBy('received_at').execute();
      return rows.map(toStored);
    },

    async listByPartner(partnerId: string, limit = 500): Promise<StoredToken[]> {
      const rows = await db.selectFrom('ocpi_tokens').selectAll().where('partner_id', '=', partnerId).orderBy('received_at').limit(limit).execute();
      return rows.map(toStored);
    },
  };
}

export type OcpiTokenStore = ReturnType<typeof ocpiTokenStore>;
