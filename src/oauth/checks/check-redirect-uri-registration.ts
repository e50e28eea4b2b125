import { isLoopbackHost } from './loopback.ts';
import type { ClientType } from '../clients/client.ts';

/**
 * Which redirect URIs a client may register (RFC 9700 §2.6, RFC 8252 §7): https; http only on a
 * loopback IP; private-use schemes (reverse-DNS, with a dot) for native public clients; never a
 * fragment. A client registered as `application_type: web` (OIDC Registration §2) gets https
 * only. Returns a reason when refused.
 */
export function checkRedirectUriRegistration(
  uri: string,
  clientType: ClientType,
  applicationType?: 'web' | 'native',
): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `${uri} is not an absolute URI`;
  }
  if (url.hash || uri.includes('#')) return `${uri} must not contain a fragment`;
  if (url.username || url.password) return `${uri} must not contain credentials`;
  if (url.protocol === 'https:') return undefined;
  if (applicationType === 'web') return `${uri}: web applications must use https redirect URIs`;
  if (url.protocol === 'http:') {
    if (!isLoopbackHost(url.hostname))
      return `${uri} uses http on a non-loopback host; use https, or http://127.0.0.1 or http://[::1]`;
    return undefined;
  }
  const scheme = url.protocol.slice(0, -1);
  if (['javascript', 'data', 'file', 'vbscript', 'blob', 'about', 'ws', 'wss', 'ftp'].includes(scheme))
    return `${uri} uses a forbidden scheme`;
  if (clientType !== 'public') return `${uri}: private-use URI schemes are for native (public) apps`;
  if (!scheme.includes('.')) return `${uri}: a private-use scheme must be a reverse domain name, e.g. com.example.app`;
  return undefined;
}
