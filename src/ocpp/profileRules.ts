import type { OcppVersion } from './versions.js';

export interface ProfileFieldError {
  field: string;
  message: string;
}

/** Where each version's commands carry a charging profile. */
const PROFILE_FIELD: Record<'1.6' | '2.0.1', Record<string, string>> = {
  '1.6': { SetChargingProfile: 'csChargingProfiles', RemoteStartTransaction: 'chargingProfile' },
  '2.0.1': { SetChargingProfile: 'chargingProfile', RequestStartTransaction: 'chargingProfile' },
};

/**
 * What the spec asks of the central system for a profile, beyond the schema (a schema-valid body):
 * a remote start's profile is a TxProfile without transactionId (1.6 §5.11, 2.0.1 F01.FR.09/.11);
 * 2.0.1 also names the transaction of a TxProfile (K01.FR.03) and starts each schedule at period 0 (K01.FR.31).
 */
export function chargingProfileErrors(version: OcppVersion, action: string, params: any): ProfileFieldError[] {
  const family = version === '1.6' ? '1.6' : '2.0.1';
  const key = PROFILE_FIELD[family][action];
  const profile = key ? params?.[key] : undefined;
  if (!profile) return [];
  const errors: ProfileFieldError[] = [];
  if (action !== 'SetChargingProfile') {
    if (profile.chargingProfilePurpose !== 'TxProfile') errors.push({ field: `${key}.chargingProfilePurpose`, message: 'must be TxProfile in a remote start' });
    if (profile.transactionId !== undefined) errors.push({ field: `${key}.transactionId`, message: 'must not be set in a remote start: the transaction has no id yet' });
  } else if (family === '2.0.1' && profile.chargingProfilePurpose === 'TxProfile' && profile.transactionId === undefined) {
    errors.push({ field: `${key}.transactionId`, message: 'a TxProfile must name its transaction (K01.FR.03)' });
  }
  if (family === '2.0.1') {
    for (const [i, schedule] of (profile.chargingSchedule as any[]).entries()) {
      if (schedule.chargingSchedulePeriod[0]?.startPeriod !== 0) {
        errors.push({ field: `${key}.chargingSchedule.${i}.chargingSchedulePeriod.0.startPeriod`, message: 'the first period must start at 0 (K01.FR.31)' });
      }
    }
  }
  return errors;
}
