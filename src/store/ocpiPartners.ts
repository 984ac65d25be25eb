import { createHash, randomUUID } from 'node:crypto';
import type { Db } from './db.js';
import type { OcpiPartnerTable } from './schema.js';
import type { SecretBox } from '../secrets.js';

/** pending: we issued token A and wait for the eMSP's POST; failed: the last handshake step went wrong. */
export type PartnerState = 'pending' | 'registered' | 'unregistered' | 'failed';

export interface PartnerRole {
  role: string;
  country_code: string;
  party_id: string;
  business_details: { name: string; [k: string]: unknown };
}

export interface PartnerEndpoint {
  identifier: string;
  role: 'SENDER' | 'RECEIVER';
  url: string;
}

export interface Partner {
  id: string;
  countryCode: string;
  partyId: string;
  roles: PartnerRole[];
  versionsUrl: string | null;
  version: string | null;
  endpoints: PartnerEndpoint[];
  /** In clear: the token we send it. */
  outboundToken: string | null;
  state: PartnerState;
  lastError: string | null;
  lastErrorAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** What a change writes; the inbound token is given in clear and stored sealed and hashed. */
export interface PartnerChange {
  countryCode?: string;
  partyId?: string;
  roles?: PartnerRole[];
  versionsUrl?: string | null;
  version?: string | null;
  endpoints?: PartnerEndpoint[];
  outboundToken?: string | null;
  inboundToken?: string | null;
  state?: PartnerState;
  lastError?: string | null;
}

/** How a credentials token in a request finds its partner without storing it in clear. */
export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

function toPartner(row: OcpiPartnerTable, box: SecretBox): Partner {
  return {
    id: row.id,
    countryCode: row.country_code,
    partyId: row.party_id,
    roles: JSON.parse(row.roles),
    versionsUrl: row.versions_url,
    version: row.version,
    endpoints: JSON.parse(row.endpoints),
    outboundToken: row.outbound_token === null ? null : box.open(row.outbound_token),
    state: row.state as PartnerState,
    lastError: row.last_error,
    lastErrorAt: row.last_error_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function columns(c: PartnerChange, box: SecretBox, now: string): Partial<OcpiPartnerTable> {
  const cols: Partial<OcpiPartnerTable> = { updated_at: now };
  if (c.countryCode !== undefined) cols.country_code = c.countryCode.toUpperCase();
  if (c.partyId !== undefined) cols.party_id = c.partyId.toUpperCase();
  if (c.roles !== undefined) cols.roles = JSON.stringify(c.roles);
  if (c.versionsUrl !== undefined) cols.versions_url = c.versionsUrl;
  if (c.version !== undefined) cols.version = c.version;
  if (c.endpoints !== undefined) cols.endpoints = JSON.stringify(c.endpoints);
  if (c.outboundToken !== undefined) cols.outbound_token = c.outboundToken === null ? null : box.seal(c.outboundToken);
  if (c.inboundToken !== undefined) {
    cols.inbound_token = c.inboundToken === null ? null : box.seal(c.inboundToken);
    cols.inbound_token_hash = c.inboundToken === null ? null : tokenHash(c.inboundToken);
  }
  if (c.state !== undefined) cols.state = c.state;
  if (c.lastError !== undefined) {
    cols.last_error = c.lastError;
    cols.last_error_at = c.lastError === null ? null : now;
  }
  return cols;
}

export function ocpiPartnerStore(db: Db, box: SecretBox) {
  return {
    async create(c: PartnerChange & { countryCode: string; partyId: string; state: PartnerState }): Promise<Partner> {
      const now = new Date().toISOString();
      const row = {
        id: randomUUID(),
        roles: '[]',
        endpoints: '[]',
        versions_url: null,
        version: null,
        outbound_token: null,
        inbound_token: null,
        inbound_token_hash: null,
        last_error: null,
        last_error_at: null,
        created_at: now,
        ...columns(c, box, now),
      } as OcpiPartnerTable;
      await db.insertInto('ocpi_partners').values(row).execute();
      return toPartner(row, box);
    },

    async update(id: string, c: PartnerChange): Promise<Partner | undefined> {
      await db.updateTable('ocpi_partners').set(columns(c, box, new Date().toISOString())).where('id', '=', id).execute();
      return this.get(id);
    },

    async get(id: string): Promise<Partner | undefined> {
      const row = await db.selectFrom('ocpi_partners').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toPartner(row, box);
    },

    async list(): Promise<Partner[]> {
      const rows = await db.selectFrom('ocpi_partners').selectAll().orderBy('created_at').orderBy('id').execute();
      return rows.map((r) => toPartner(r, box));
    },

    /** The partner whose inbound credentials token this is. */
    async byInboundToken(token: string): Promise<Partner | undefined> {
      const row = await db.selectFrom('ocpi_partners').selectAll().where('inbound_token_hash', '=', tokenHash(token)).executeTakeFirst();
      return row && toPartner(row, box);
    },

    async remove(id: string): Promise<boolean> {
      const res = await db.deleteFrom('ocpi_partners').where('id', '=', id).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },
  };
}

export type OcpiPartnerStore = ReturnType<typeof ocpiPartnerStore>;
