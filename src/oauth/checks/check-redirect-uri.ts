import { isLoopbackHost } from './loopback.ts';

/**
 * Exact string matching of redirect URIs, except that a loopback IP redirect matches on any
 * port (RFC 8252 §7.3, RFC 9700 §2.1). Returns the registered URI that matched.
 */
export function matchRedirectUri(requested: string, registered: readonly string[]): string | undefined {
  if (registered.includes(requested)) return requested;
  const loose = withoutLoopbackPort(requested);
  if (loose === undefined) return undefined;
  return registered.find((uri) => withoutLoopbackPort(uri) === loose);
}

function withoutLoopbackPort(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' || !isLoopbackHost(url.hostname)) return undefined;
  // Compare everything but the port, on the string as sent (no normalisation beyond the port).
  const withPort = /^http:\/\/(127\.0\.0\.1|\[::1\])(:\d+)?(?=[/?#]|$)/;
  return uri.replace(withPort, 'http://$1');
}
