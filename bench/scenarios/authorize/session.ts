// One short charging session per fire, in the charger's own version: Authorize, then the
// start/stop pair (1.6 StartTransaction + StopTransaction, 2.0.1/2.1 TransactionEvent Started
// + Ended). Each charger uses its own id tag, since one card may hold one transaction at a time.

import type { SimCharger } from '../../../simulators/charger/charger.js';
import { chargerTagOf } from '../../lib/gateway-setup.js';
import type { Fire } from '../../lib/load-patterns.js';

/** Resolves with the first status that was not Accepted, or 'Accepted' when all three were. */
export function sessionFire(chargers: SimCharger[], idTag: string): Fire {
  return async (i) => {
    const index = i % chargers.length;
    const charger = chargers[index];
    const tag = chargerTagOf(idTag, index + 1);
    const authorized = await charger.authorize(tag);
    if (authorized.status !== 'Accepted') return `Authorize ${authorized.status}`;
    return charger.ocppVersion === '1.6' ? pair16(charger, tag) : pair201(charger, tag);
  };
}

async function pair16(charger: SimCharger, idTag: string): Promise<string> {
  const meterStart = charger.meterWh;
  const started = await charger.startTransaction({ connectorId: 1, idTag, meterStart });
  charger.meterWh += 10;
  const stopped = await charger.stopTransaction({ transactionId: started.transactionId, meterStop: charger.meterWh, idTag });
  return firstRefusal(started.idTagInfo?.status, stopped.idTagInfo?.status);
}

async function pair201(charger: SimCharger, idTag: string): Promise<string> {
  const idToken = { idToken: idTag, type: 'ISO14443' };
  const tx = charger.openTransaction(1);
  const started = await charger.transactionEvent(tx.event('Started', 'Authorized', { idToken, meterWh: charger.meterWh, chargingState: 'Charging' }));
  charger.meterWh += 10;
  charger.transactions.delete(tx.transactionId);
  const ended = await charger.transactionEvent(tx.event('Ended', 'StopAuthorized', { idToken, meterWh: charger.meterWh, stoppedReason: 'Local' }));
  return firstRefusal(started?.idTokenInfo?.status, ended?.idTokenInfo?.status);
}

function firstRefusal(...statuses: (string | undefined)[]): string {
  return statuses.find((s) => s !== undefined && s !== 'Accepted') ?? 'Accepted';
}
