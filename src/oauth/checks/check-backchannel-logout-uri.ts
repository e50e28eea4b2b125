import { checkDestination } from '../../kernel/egress/index.ts';

/**
 * Which back-channel logout URIs a client may register (OIDC Back-Channel Logout 1.0 §2.2: an
 * absolute URI, a query allowed, no fragment), and the egress guard's static rules: https to a
 * public host; plain http to a loopback address only with the loopback switch (tests). The
 * addresses a name resolves to are checked again at every delivery. Returns a reason when refused.
 */
export function checkBackchannelLogoutUri(uri: string, allowLoopback: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `${uri} is not an absolute URI`;
  }
  if (uri.length > 2000) return 'backchannel_logout_uri must be at most 2000 characters';
  if (url.hash || uri.includes('#')) return `${uri} must not contain a fragment`;
  const refused = checkDestination(url, allowLoopback);
  return refused && `backchannel_logout_uri ${refused}`;
}
