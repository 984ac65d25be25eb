// The OCPP versions a simulated charger can speak, and how a fleet is split between them.

export type OcppVersion = '1.6' | '2.0.1' | '2.1';

/** The WebSocket subprotocol of each version (OCPP-J). */
export const SUBPROTOCOLS: Readonly<Record<OcppVersion, string>> = {
  '1.6': 'ocpp1.6',
  '2.0.1': 'ocpp2.0.1',
  '2.1': 'ocpp2.1',
};

const VERSION_OF = new Map<string, OcppVersion>(Object.entries(SUBPROTOCOLS).map(([v, p]) => [p, v as OcppVersion]));

/** The version a subprotocol speaks; anything unknown (tests offer odd ones) is treated as 1.6. */
export function versionOf(subprotocol: string): OcppVersion {
  return VERSION_OF.get(subprotocol) ?? '1.6';
}

export function isOcppVersion(text: string): text is OcppVersion {
  return Object.hasOwn(SUBPROTOCOLS, text);
}

/** One version's share of a fleet, in percent. */
export interface VersionShare {
  version: OcppVersion;
  percent: number;
}

/** `1.6:50,2.0.1:50` → shares; throws a message naming the bad part. Percentages must add up to 100. */
export function parseVersionMix(text: string): VersionShare[] {
  const shares = text.split(',').map((part) => {
    const [version, percent, extra] = part.trim().split(':');
    const n = Number(percent);
    if (extra !== undefined || !isOcppVersion(version) || !Number.isInteger(n) || n < 0 || n > 100) {
      throw new Error(`"${part.trim()}" is not <version>:<percent> with version 1.6, 2.0.1 or 2.1`);
    }
    return { version, percent: n };
  });
  const total = shares.reduce((sum, s) => sum + s.percent, 0);
  if (total !== 100) throw new Error(`percentages add up to ${total}, not 100`);
  return shares;
}

/**
 * The version of charger `index` of `count`: consecutive blocks in the order given, each
 * as large as its share (rounded so the blocks add up to `count` exactly).
 */
export function versionForIndex(shares: readonly VersionShare[], index: number, count: number): OcppVersion {
  let cumulative = 0;
  for (const share of shares) {
    cumulative += share.percent;
    if (index < Math.round((count * cumulative) / 100)) return share.version;
  }
  return shares[shares.length - 1].version;
}
