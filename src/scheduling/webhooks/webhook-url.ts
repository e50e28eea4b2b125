import { isIP } from 'node:net';

/**
 * Where deliveries may go: https only, to a public host name or address. Plain http to a
 * loopback address is allowed only when `allowLoopbackHttp` (test configuration).
 */
export function checkWebhookUrl(raw: string, allowLoopbackHttp: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'url must be an absolute URL';
  }
  if (raw.length > 2000) return 'url must be at most 2000 characters';
  if (url.username || url.password) return 'url must not carry credentials';
  if (url.hash) return 'url must not have a fragment';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const loopback = host === 'localhost' || host === '::1' || /^127\./.test(host);
  if (url.protocol === 'http:' && loopback && allowLoopbackHttp) return undefined;
  if (url.protocol !== 'https:') return 'url must use https';
  if (loopback || isPrivateAddress(host)) return 'url must not point at a private or loopback address';
  return undefined;
}

function isPrivateAddress(host: string): boolean {
  if (isIP(host) === 4) return /^(10\.|192\.168\.|169\.254\.|0\.|172\.(1[6-9]|2\d|3[01])\.)/.test(host);
  if (isIP(host) === 6) return /^(fc|fd|fe80|::ffff:)/i.test(host) || host === '::';
  return host.endsWith('.local') || host.endsWith('.internal');
}
