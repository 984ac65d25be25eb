import type { Db } from './db.js';
import type { ChargingProfileTable } from './schema.js';

export interface ChargingProfile {
  profileId: number;
  /** 1.6 connectorId, 2.0.1 evseId; 0: the whole charger. */
  connectorId: number;
  stackLevel: number;
  purpose: string;
  /** The profile as sent: 1.6 csChargingProfiles, 2.0.1 chargingProfile. */
  profile: Record<string, unknown>;
  setAt: string;
}

/** Which stored profiles a ClearChargingProfile removed; every given field must match. */
export interface ProfileCriteria {
  profileId?: number;
  connectorId?: number;
  purpose?: string;
  stackLevel?: number;
}

function toProfile(r: ChargingProfileTable): ChargingProfile {
  return { profileId: r.profile_id, connectorId: r.connector_id, stackLevel: r.stack_level, purpose: r.purpose, profile: JSON.parse(r.profile), setAt: r.set_at };
}

/** Charging profiles the gateway set on each charger and the charger accepted. */
export function chargingProfileStore(db: Db) {
  return {
    /**
     * Stores a profile the charger accepted. It replaces one with the same id, and one with the same
     * stack level and purpose on the same connector, as the charger does (OCPP 1.6 §5.16.3, 2.0.1 K01.FR.05/.06).
     */
    async put(chargerId: string, p: Omit<ChargingProfile, 'setAt'>): Promise<ChargingProfile> {
      const setAt = new Date().toISOString();
      await db
        .deleteFrom('charging_profiles')
        .where('charger_id', '=', chargerId)
        .where((eb) =>
          eb.or([
            eb('profile_id', '=', p.profileId),
            eb.and([eb('connector_id', '=', p.connectorId), eb('stack_level', '=', p.stackLevel), eb('purpose', '=', p.purpose)]),
          ]),
        )
        .execute();
      await db
        .insertInto('charging_profiles')
        .values({ charger_id: chargerId, profile_id: p.profileId, connector_id: p.connectorId, stack_level: p.stackLevel, purpose: p.purpose, profile: JSON.stringify(p.profile), set_at: setAt })
        .execute();
      return { ...p, setAt };
    },

    /** A TxProfile lasts as long as its transaction: the charger drops those of the connector (2.0.1: EVSE) when it ends. */
    async transactionEnded(chargerId: string, connectorId: number): Promise<number> {
      return this.clear(chargerId, { connectorId, purpose: 'TxProfile' });
    },

    /** Removes the profiles matching every given criterion (none given: all of the charger's); returns how many. */
    async clear(chargerId: string, c: ProfileCriteria): Promise<number> {
      let q = db.deleteFrom('charging_profiles').where('charger_id', '=', chargerId);
      if (c.profileId !== undefined) q = q.where('profile_id', '=', c.profileId);
      if (c.connectorId !== undefined) q = q.where('connector_id', '=', c.connectorId);
      if (c.purpose !== undefined) q = q.where('purpose', '=', c.purpose);
      if (c.stackLevel !== undefined) q = q.where('stack_level', '=', c.stackLevel);
      const res = await q.executeTakeFirst();
      return Number(res.numDeletedRows);
    },

    async list(chargerId: string): Promise<ChargingProfile[]> {
      const rows = await db.selectFrom('charging_profiles').selectAll().where('charger_id', '=', chargerId).orderBy('connector_id').orderBy('purpose').orderBy('stack_level').execute();
      return rows.map(toProfile);
    },
  };
}

export type ChargingProfileStore = ReturnType<typeof chargingProfileStore>;
