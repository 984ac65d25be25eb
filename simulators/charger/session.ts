// One charging session as a real charge point runs it, so flow tests and the
// fleet exercise the same order of messages a site would see.

import { setTimeout as sleep } from 'node:timers/promises';
import type { SimCharger } from './charger.js';

export interface SessionOptions {
  connectorId?: number;
  idTag: string;
  meterIntervalMs?: number;
  meterSamples?: number;
  whPerSample?: number;
}

export interface SessionResult {
  /** Undefined when Authorize was not Accepted and no transaction was started. */
  transactionId?: number;
  authorizeStatus: string;
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
