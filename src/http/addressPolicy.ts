import { lookup } from 'node:dns/promises';
import { BlockList, isIP, isIPv6 } from 'node:net';

/**
 * Which addresses the gateway may call. Site owners choose the URLs we post to, so without this
 * a provider or subscription URL could reach the gateway's own host, its private network or a cloud metadata
 * service. The check runs at save time (checkUrl) and again on the address actually connected
 * to (httpClient's connector), since a name can resolve differently by then.
 */
export type Verdict = { ok: true } | { ok: false; reason: string };

export interface AddressPolicy {
  /** A literal IP address; the reason names its range ("loopback address 127.0.0.1"). */
  check(address: string): Verdict;
  /** Host names in the allow list are exempt from the address check. */
  allowsHost(host: string): boolean;
  /** The addresses a host resolved to: every one must pass, unless the host itself is allowed. */
  checkResolved(host: string, addresses: readonly string[]): Verdict;
  /** Resolves the URL's host (a literal IP is checked as is); a host that does not resolve fails. */
  checkUrl(url: string): Promise<Verdict>;
}

/** Ranges no outbound call should reach, by the name a reason uses. Order matters where they overlap. */
const REFUSED_RANGES: ReadonlyArray<readonly [name: string, cidrs: readonly string[]]> = [
  ['loopback', ['127.0.0.0/8', '::1/128']],
  ['unspecified', ['0.0.0.0/8', '::/128']],
  ['private', ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7']],
  ['link-local', ['169.254.0.0/16', 'fe80::/10']],
  ['shared (CGNAT)', ['100.64.0.0/10']],
  ['IETF protocol assignment', ['192.0.0.0/24']],
  ['documentation', ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '2001:db8::/32']],
  ['benchmarking', ['198.18.0.0/15']],
  ['multicast', ['224.0.0.0/4', 'ff00::/8']],
  ['broadcast', ['255.255.255.255/32']],
  ['reserved', ['240.0.0.0/4', 'fec0::/10']],
  // Transition forms that can carry a private IPv4 address; refused whole rather than decoded.
  ['IPv6 transition', ['::/96', '2002::/16', '2001::/32', '64:ff9b:1::/48']],
];

/** The IPv6 forms that carry an IPv4 address in their last 32 bits; the IPv4 one is what is reached. */
const EMBEDDING_PREFIXES: ReadonlyArray<readonly [name: string, groups: readonly number[]]> = [
  ['IPv4-mapped', [0, 0, 0, 0, 0, 0xffff]],
  ['NAT64', [0x64, 0xff9b, 0, 0, 0, 0]],
];

const HOST_NAME = /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/i;

type Cidr = { address: string; prefix: number; family: 'ipv4' | 'ipv6' };

/** "10.20.0.0/16", "::1/128" or a bare address; undefined when it is neither. */
export function parseCidr(text: string): Cidr | undefined {
  const [address, prefixText, extra] = text.trim().split('/');
  const version = isIP(address ?? '');
  if (!version || extra !== undefined || address!.includes('%')) return undefined;
  const max = version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (prefix > max) return undefined;
  return { address: address!, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/** What outboundAllowList accepts: a CIDR, an address or a host name. */
export function isAllowEntry(entry: string): boolean {
  const host = normalizeHost(entry);
  // A numeric last label is what URL parsers read as an IPv4 address ("10.0.0.256" is a typo, not a name).
  return parseCidr(entry) !== undefined || (HOST_NAME.test(host) && !/(^|\.)\d+$/.test(host));
}

function normalizeHost(host: string): string {
  return host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
}

function blockListOf(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const text of cidrs) {
    const cidr = parseCidr(text)!;
    list.addSubnet(cidr.address, cidr.prefix, cidr.family);
  }
  return list;
}

/** The 8 groups of an IPv6 address, with a dotted IPv4 tail folded in. */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.map((g) => parseInt(g, 16));
}

function embeddedIPv4(address: string): { form: string; ipv4: string } | undefined {
  const groups = ipv6Groups(address);
  const match = EMBEDDING_PREFIXES.find(([, prefix]) => prefix.every((g, i) => groups[i] === g));
  if (!match) return undefined;
  const [hi, lo] = [groups[6]!, groups[7]!];
  return { form: match[0], ipv4: `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}` };
}

export function createAddressPolicy(opts: { allow: readonly string[] }): AddressPolicy {
  const invalid = opts.allow.filter((entry) => !isAllowEntry(entry));
  if (invalid.length) throw new Error(`not a CIDR, address or host name: ${invalid.join(', ')}`);
  const allowedNets = blockListOf(opts.allow.filter((e) => parseCidr(e)));
  const allowedHosts = new Set(opts.allow.filter((e) => !parseCidr(e)).map(normalizeHost));
  const refused = REFUSED_RANGES.map(([name, cidrs]) => [name, blockListOf(cidrs)] as const);

  const family = (address: string) => (isIPv6(address) ? 'ipv6' : 'ipv4');
  const rangeOf = (address: string) => refused.find(([, list]) => list.check(address, family(address)))?.[0];

  function check(raw: string): Verdict {
    const address = normalizeHost(raw).replace(/%.*$/, ''); // a zone id says which interface, not where
    if (!isIP(address)) return { ok: false, reason: `${raw} is not an IP address` };
    const embedded = isIPv6(address) ? embeddedIPv4(address) : undefined;
    const reached = embedded?.ipv4 ?? address;
    if (allowedNets.check(address, family(address)) || (embedded && allowedNets.check(embedded.ipv4, 'ipv4'))) return { ok: true };
    const range = rangeOf(reached);
    if (!range) return { ok: true };
    const via = embedded ? ` (${embedded.form} ${address})` : '';
    return { ok: false, reason: `${range} address ${reached}${via}` };
  }

  const allowsHost = (host: string) => allowedHosts.has(normalizeHost(host));

  function checkResolved(host: string, addresses: readonly string[]): Verdict {
    if (allowsHost(host)) return { ok: true };
    for (const address of addresses) {
      const verdict = check(address);
      if (!verdict.ok) return verdict;
    }
    return { ok: true };
  }

  return {
    check,
    allowsHost,
    checkResolved,
    async checkUrl(url) {
      if (!URL.canParse(url)) return { ok: false, reason: 'is not a URL' };
      const host = normalizeHost(new URL(url).hostname);
      if (allowsHost(host)) return { ok: true };
      if (isIP(host)) {
        const verdict = check(host);
        return verdict.ok ? verdict : { ok: false, reason: `points to ${verdict.reason}` };
      }
      let addresses: string[];
      try {
        addresses = (await lookup(host, { all: true })).map((a) => a.address);
      } catch (err) {
        return { ok: false, reason: `host ${host} does not resolve (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
      }
      const verdict = checkResolved(host, addresses);
      return verdict.ok ? verdict : { ok: false, reason: `host ${host} resolves to ${verdict.reason}` };
    },
  };
}
