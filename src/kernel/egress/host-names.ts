import { isIP } from 'node:net';
import { isAllowedAddress } from './address-ranges.ts';

/**
 * Names that only mean something inside a network (RFC 6761 `localhost`, RFC 6762 `.local`,
 * RFC 8375 `.home.arpa`, ICANN's reserved `.internal` such as `metadata.google.internal`) are
 * refused before any lookup, with or without the trailing dot.
 */
const INTERNAL_SUFFIXES = ['localhost', 'local', 'internal', 'home.arpa'];

export function isInternalName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.+$/, '');
  if (!name.includes('.')) return true; // a single label resolves through search domains
  return INTERNAL_SUFFIXES.some((suffix) => name === suffix || name.endsWith(`.${suffix}`));
}

/** The URL's host without brackets and trailing dot, and whether it is an address literal. */
export function hostOf(url: URL): { host: string; literal: boolean } {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return { host, literal: isIP(host) !== 0 };
}

/** Whether the URL is plain http to a loopback literal or `localhost` (allowed only with the loopback switch). */
export function isLoopbackUrl(url: URL): boolean {
  const { host, literal } = hostOf(url);
  if (literal) return host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
  return host.toLowerCase().replace(/\.+$/, '') === 'localhost';
}

/**
 * Static checks of a destination before anything is sent (and at registration time): the
 * scheme, no credentials, and a host that is neither a forbidden literal nor an internal name.
 * Returns a short reason, or undefined when the URL may be tried (its addresses are checked
 * again when connecting).
 */
export function checkDestination(url: URL, allowLoopback: boolean): string | undefined {
  const loopbackHttp = allowLoopback && url.protocol === 'http:' && isLoopbackUrl(url);
  if (url.protocol !== 'https:' && !loopbackHttp) return 'must use https';
  if (url.username || url.password) return 'must not carry credentials';
  const { host, literal } = hostOf(url);
  if (literal)
    return isAllowedAddress(host, allowLoopback) ? undefined : 'points at an address that may not be fetched';
  if (allowLoopback && isLoopbackUrl(url)) return undefined;
  return isInternalName(host) ? 'names an internal host that may not be fetched' : undefined;
}
