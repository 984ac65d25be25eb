// One charging session as a real charge point runs it, so flow tests and the
// fleet exercise the same order of messages a site would see.

import { setTimeout as sleep } from 'node:timers/promises';
import type { SimCharger } from './charger.js';

export interface SessionOptions {
  /** The connector (1.6), or the EVSE (2.0.1 and 2.1, one connector each). */
  connectorId?: number;
  /** The id tag (1.6), or the idToken's idToken (2.0.1 and 2.1). */
  idTag: string;
  /** 2.0.1 and 2.1: the idToken's type (default ISO14443). */
  idTokenType?: string;
  meterIntervalMs?: number;
  meterSamples?: number;
  whPerSample?: number;
}

export interface SessionResult {
  /**
   * Undefined when Authorize was not Accepted and no transaction was started; the central
   * system's number in 1.6, the station's own UUID in 2.0.1 and 2.1.
   */
  transactionId?: number | string;
  /** 'offline' when a 2.0.1 station authorized locally while offline. */
  authorizeStatus: string;
  /** Undefined (with stopStatus) when the 2.0.1 events were queued offline. */
  startStatus?: string;
  stopStatus?: string;
}

/**
 * Preparing → Authorize → StartTransaction → Charging → MeterValues × N →
 * StopTransaction → Available. Like a real charger it does not start when
 * Authorize is refused, and stops at once (reason DeAuthorized) when
 * StartTransaction comes back with a refused idTagInfo.
 */
export async function runSession(charger: SimCharger, opts: SessionOptions): Promise<SessionResult> {
  const { connectorId = 1, idTag, meterIntervalMs = 1000, meterSamples = 3, whPerSample = 100 } = opts;

  await charger.status(connectorId, 'Preparing');
  const authorizeStatus = (await charger.authorize(idTag)).idTagInfo?.status ?? 'missing';
  if (authorizeStatus !== 'Accepted') {
    await charger.status(connectorId, 'Available');
    return { authorizeStatus };
  }

  const start = await charger.startTransaction({ connectorId, idTag, meterStart: charger.meterWh });
  const transactionId = start.transactionId;
  const startStatus = start.idTagInfo?.status ?? 'missing';
  if (startStatus === 'Accepted') {
    await charger.status(connectorId, 'Charging');
    for (let i = 0; i < meterSamples; i++) {
      await sleep(meterIntervalMs);
      charger.meterWh += whPerSample;
      await charger.meterValues({ connectorId, transactionId, valueWh: charger.meterWh });
    }
  }

  const stop = await charger.stopTransaction({
    transactionId,
    meterStop: charger.meterWh,
    idTag,
    reason: startStatus === 'Accepted' ? 'Local' : 'DeAuthorized',
  });
  await charger.status(connectorId, 'Available');
  return { transactionId, authorizeStatus, startStatus, stopStatus: stop.idTagInfo?.status };
}
