import { isIP } from 'node:net';

/**
 * The special-purpose address ranges (IANA's IPv4 and IPv6 special-purpose registries, RFC 6890
 * and successors) that a server-side fetch must never reach, plus IPv6 forms that embed an IPv4
 * address (mapped, 6to4, IPv4-compatible), which are judged by that address.
 */
const IPV4_BLOCKED: Array<[string, number]> = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
  ['255.255.255.255', 32],
];

const IPV6_BLOCKED: Array<[string, number]> = [
  // ::/96 holds ::, ::1 and the deprecated IPv4-compatible ::a.b.c.d (RFC 4291 §2.5.5.1).
  ['::', 96],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
];

const IPV4_MAPPED: [string, number] = ['::ffff:0:0', 96];
const SIX_TO_FOUR: [string, number] = ['2002::', 16];

const v4Ranges = IPV4_BLOCKED.map(([net, prefix]) => ({ net: BigInt(ipv4ToNumber(net)), prefix }));
const v6Ranges = IPV6_BLOCKED.map(([net, prefix]) => ({ net: ipv6ToBigInt(net)!, prefix }));

/** Whether a resolved address may be fetched; loopback (127/8, ::1) only when allowed (development, tests). */
export function isAllowedAddress(address: string, allowLoopback: boolean): boolean {
  const v4 = embeddedOrPlainIpv4(address);
  if (v4 !== undefined) {
    if (allowLoopback && v4 >> 24 === 127) return true;
    return !v4Ranges.some((r) => inRange(BigInt(v4), r.net, r.prefix, 32));
  }
  const v6 = ipv6ToBigInt(address);
  if (v6 === undefined) return false;
  if (allowLoopback && v6 === 1n) return true;
  return !v6Ranges.some((r) => inRange(v6, r.net, r.prefix, 128));
}

/** The IPv4 address to judge: the address itself, or the one a mapped or 6to4 IPv6 address carries. */
function embeddedOrPlainIpv4(address: string): number | undefined {
  if (isIP(address) === 4) return ipv4ToNumber(address);
  const v6 = ipv6ToBigInt(address);
  if (v6 === undefined) return undefined;
  if (inRange(v6, ipv6ToBigInt(IPV4_MAPPED[0])!, IPV4_MAPPED[1], 128)) return Number(v6 & 0xffffffffn);
  if (inRange(v6, ipv6ToBigInt(SIX_TO_FOUR[0])!, SIX_TO_FOUR[1], 128)) return Number((v6 >> 80n) & 0xffffffffn);
  return undefined;
}

function inRange(value: bigint, net: bigint, prefix: number, bits: number): boolean {
  const shift = BigInt(bits - prefix);
  return value >> shift === net >> shift;
}

function ipv4ToNumber(address: string): number {
  return address.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

/** An IPv6 address (with or without brackets, zone, or a trailing dotted quad) as a 128-bit number. */
export function ipv6ToBigInt(raw: string): bigint | undefined {
  const address = raw.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (isIP(address) !== 6) return undefined;
  let text = address;
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (quad) {
    const n = ipv4ToNumber(quad);
    text = text.slice(0, -quad.length) + `${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups =
    tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  if (groups.length !== 8) return undefined;
  return groups.reduce((n, g) => (n << 16n) | BigInt(parseInt(g || '0', 16)), 0n);
}
