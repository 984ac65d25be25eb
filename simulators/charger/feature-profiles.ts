// What a simulated charger answers to the Reservation, Smart Charging and Firmware
// Management messages, for 1.6 and 2.0.1 alike (each reads its version's fields). Its
// reservations and charging profiles live here, created on first use; the follow-ups
// (StatusNotification Reserved, firmware and log status) go out after the answer.

import type { SimCharger } from './charger.js';
import type { RemoteCommandHandler } from './remote-commands.js';

type Handler = RemoteCommandHandler<SimCharger>;

export interface SimReservation {
  id: number;
  /** 1.6 connector or 2.0.1 EVSE; 0: any. */
  connectorId: number;
  idTag: string;
  parentIdTag?: string;
  expiry: number;
}

export interface SimChargingProfile {
  connectorId: number;
  profile: Record<string, any>;
}

/** A station's reservations and charging profiles (by id). */
export class FeatureState {
  readonly reservations = new Map<number, SimReservation>();
  readonly chargingProfiles = new Map<number, SimChargingProfile>();

  /** The reservation on this connector (or on 0) for this tag, ended by the start that uses it; expired ones are dropped. */
  useReservation(connectorId: number, idTag: string): number | undefined {
    const now = Date.now();
    for (const r of this.reservations.values()) {
      if (r.expiry <= now) this.reservations.delete(r.id);
      else if ((r.connectorId === connectorId || r.connectorId === 0) && r.idTag.toUpperCase() === idTag.toUpperCase()) {
        this.reservations.delete(r.id);
        return r.id;
      }
    }
    return undefined;
  }

  /** 1.6 §5.13: a connector (0: the charger) gone Faulted or Unavailable ends its reservations. */
  dropOn(connectorId: number): void {
    for (const r of this.reservations.values()) if (connectorId === 0 || r.connectorId === connectorId) this.reservations.delete(r.id);
  }

  heldBy(connectorId: number): SimReservation | undefined {
    return [...this.reservations.values()].find((r) => r.connectorId === connectorId && r.expiry > Date.now());
  }
}

const v16 = (c: SimCharger) => c.ocppVersion === '1.6';
const evseOf = (c: SimCharger, p: any): number => (v16(c) ? p.connectorId : p.evseId) ?? 0;
const hasTransaction = (c: SimCharger, evseId: number) => !v16(c) && [...c.transactions.values()].some((tx) => tx.evse.id === evseId);

const reserveNow: Handler = (p, c, after) => {
  const connectorId = evseOf(c, p);
  const id = v16(c) ? p.reservationId : p.id;
  if (connectorId > c.connectors) return { status: 'Rejected' };
  // 1.6 §5.13: connector 0 only where ReserveConnectorZeroSupported.
  if (v16(c) && connectorId === 0 && c.configuration.get('ReserveConnectorZeroSupported') !== 'true') return { status: 'Rejected' };
  const held = c.features.heldBy(connectorId);
  if ((held && held.id !== id) || hasTransaction(c, connectorId)) return { status: 'Occupied' };
  c.features.reservations.set(id, {
    id,
    connectorId,
    idTag: v16(c) ? p.idTag : p.idToken.idToken,
    parentIdTag: v16(c) ? p.parentIdTag : p.groupIdToken?.idToken,
    expiry: Date.parse(v16(c) ? p.expiryDate : p.expiryDateTime),
  });
  if (connectorId > 0) after(() => c.status(connectorId, 'Reserved'));
  return { status: 'Accepted' };
};

const cancelReservation: Handler = (p, c, after) => {
  const r = c.features.reservations.get(p.reservationId);
  if (!r) return { status: 'Rejected' };
  c.features.reservations.delete(r.id);
  if (r.connectorId > 0) after(() => c.status(r.connectorId, 'Available'));
  return { status: 'Accepted' };
};

const setChargingProfile: Handler = (p, c) => {
  const connectorId = evseOf(c, p);
  const profile = v16(c) ? p.csChargingProfiles : p.chargingProfile;
  const id = v16(c) ? profile.chargingProfileId : profile.id;
  const purpose = profile.chargingProfilePurpose;
  if (connectorId > c.connectors) return { status: 'Rejected' };
  // The station-wide maximum only on 0 (1.6 §3.13.2, K01.FR.03); a 2.0.1 TxProfile needs a transaction (K01.FR.09).
  if ((purpose === 'ChargePointMaxProfile' || purpose === 'ChargingStationMaxProfile') && connectorId !== 0) return { status: 'Rejected' };
  if (purpose === 'TxProfile' && !v16(c) && !hasTransaction(c, connectorId)) return { status: 'Rejected' };
  for (const [other, stored] of c.features.chargingProfiles) {
    const same = stored.connectorId === connectorId && stored.profile.stackLevel === profile.stackLevel && stored.profile.chargingProfilePurpose === purpose;
    if (same) c.features.chargingProfiles.delete(other);
  }
  c.features.chargingProfiles.set(id, { connectorId, profile });
  return { status: 'Accepted' };
};

const clearChargingProfile: Handler = (p, c) => {
  const id = v16(c) ? p.id : p.chargingProfileId;
  const criteria = v16(c) ? { connectorId: p.connectorId, purpose: p.chargingProfilePurpose, stackLevel: p.stackLevel } : {
    connectorId: p.chargingProfileCriteria?.evseId,
    purpose: p.chargingProfileCriteria?.chargingProfilePurpose,
    stackLevel: p.chargingProfileCriteria?.stackLevel,
  };
  let cleared = 0;
  for (const [key, s] of c.features.chargingProfiles) {
    const match = id !== undefined
      ? key === id
      : (criteria.connectorId === undefined || s.connectorId === criteria.connectorId) &&
        (criteria.purpose === undefined || s.profile.chargingProfilePurpose === criteria.purpose) &&
        (criteria.stackLevel === undefined || s.profile.stackLevel === criteria.stackLevel);
    if (match && c.features.chargingProfiles.delete(key)) cleared++;
  }
  return { status: cleared > 0 ? 'Accepted' : 'Unknown' };
};

/** A flat composite: the lowest first-period limit of the profiles on the connector and the station, else the station's 32 A. */
function scheduleFor(c: SimCharger, connectorId: number, unit: string) {
  const firstPeriods = [...c.features.chargingProfiles.values()]
    .filter((s) => s.connectorId === connectorId || s.connectorId === 0)
    .map((s) => [s.profile.chargingSchedule].flat()[0])
    .filter(Boolean);
  const limit = Math.min(32, ...firstPeriods.map((s) => s.chargingSchedulePeriod[0].limit));
  return { chargingRateUnit: firstPeriods[0]?.chargingRateUnit ?? unit, chargingSchedulePeriod: [{ startPeriod: 0, limit }] };
}

const getCompositeSchedule: Handler = (p, c) => {
  const connectorId = evseOf(c, p);
  if (connectorId > c.connectors) return { status: 'Rejected' };
  const scheduleStart = new Date().toISOString();
  const { chargingRateUnit, chargingSchedulePeriod } = scheduleFor(c, connectorId, p.chargingRateUnit ?? 'A');
  if (v16(c)) {
    return { status: 'Accepted', connectorId, scheduleStart, chargingSchedule: { duration: p.duration, startSchedule: scheduleStart, chargingRateUnit, chargingSchedulePeriod } };
  }
  return { status: 'Accepted', schedule: { evseId: connectorId, duration: p.duration, scheduleStart, chargingRateUnit, chargingSchedulePeriod } };
};

const getChargingProfiles: Handler = (p, c, after) => {
  const wanted = p.chargingProfile ?? {};
  const found = [...c.features.chargingProfiles.values()].filter(
    (s) =>
      (p.evseId === undefined || s.connectorId === p.evseId) &&
      (wanted.chargingProfilePurpose === undefined || s.profile.chargingProfilePurpose === wanted.chargingProfilePurpose) &&
      (wanted.stackLevel === undefined || s.profile.stackLevel === wanted.stackLevel) &&
      (wanted.chargingProfileId === undefined || wanted.chargingProfileId.includes(s.profile.id)),
  );
  if (found.length === 0) return { status: 'NoProfiles' };
  const evses = [...new Set(found.map((s) => s.connectorId))];
  after(async () => {
    for (const [i, evseId] of evses.entries()) {
      const chargingProfile = found.filter((s) => s.connectorId === evseId).map((s) => s.profile);
      await c.call('ReportChargingProfiles', { requestId: p.requestId, chargingLimitSource: 'CSO', evseId, chargingProfile, tbc: i < evses.length - 1 });
    }
  });
  return { status: 'Accepted' };
};

/** Downloads and installs at once; 2.0.1 reports the request each status belongs to. */
const updateFirmware: Handler = (p, c, after) => {
  const requestId = v16(c) ? {} : { requestId: p.requestId };
  after(async () => {
    for (const status of ['Downloading', 'Downloaded', 'Installing', 'Installed']) await c.call('FirmwareStatusNotification', { status, ...requestId });
  });
  return v16(c) ? {} : { status: 'Accepted' };
};

const logFile = (c: SimCharger) => `${c.id}-diagnostics.log`;

/** 1.6 GetDiagnostics: uploads a file named after the charger. */
const getDiagnostics: Handler = (_p, c, after) => {
  after(async () => {
    for (const status of ['Uploading', 'Uploaded']) await c.call('DiagnosticsStatusNotification', { status });
  });
  return { fileName: logFile(c) };
};

/** GetLog (2.0.1, and 1.6 with the security whitepaper): the same upload, reported with its requestId. */
const getLog: Handler = (p, c, after) => {
  after(async () => {
    for (const status of ['Uploading', 'Uploaded']) await c.call('LogStatusNotification', { status, requestId: p.requestId });
  });
  return { status: 'Accepted', filename: logFile(c) };
};

export const featureProfileCommands: ReadonlyMap<string, Handler> = new Map<string, Handler>([
  ['ReserveNow', reserveNow],
  ['CancelReservation', cancelReservation],
  ['SetChargingProfile', setChargingProfile],
  ['ClearChargingProfile', clearChargingProfile],
  ['GetCompositeSchedule', getCompositeSchedule],
  ['GetChargingProfiles', getChargingProfiles],
  ['UpdateFirmware', updateFirmware],
  ['GetDiagnostics', getDiagnostics],
  ['GetLog', getLog],
]);
