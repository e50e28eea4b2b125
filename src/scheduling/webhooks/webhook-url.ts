import { checkDestination, isLoopbackUrl } from '../../kernel/egress/index.ts';

/**
 * Where deliveries may go: https only, to a public host name or address (the egress guard's
 * static checks; the addresses a name resolves to are checked again at every delivery). Plain
 * http to a loopback address is allowed only when `allowLoopbackHttp` (test configuration).
 */
export function checkWebhookUrl(raw: string, allowLoopbackHttp: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'url must be an absolute URL';
  }
  if (raw.length > 2000) return 'url must be at most 2000 characters';
  if (url.hash) return 'url must not have a fragment';
  const refused = checkDestination(url, allowLoopbackHttp);
  // The loopback switch is for plain-http test receivers; https to loopback stays refused.
  if (!refused && url.protocol === 'https:' && isLoopbackUrl(url))
    return 'url must not point at a private, loopback or internal address';
  if (
    refused === 'points at an address that may not be fetched' ||
    refused === 'names an internal host that may not be fetched'
  )
    return 'url must not point at a private, loopback or internal address';
  return refused && `url ${refused}`;
}
