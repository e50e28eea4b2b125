/** RFC 8252 §7.3 loopback redirect hosts: IP literals only, never the name "localhost". */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === '127.0.0.1' || hostname === '[::1]';
}
