/**
 * A request the bearer-token guard refused, with its RFC 6750 error code and the
 * `WWW-Authenticate` challenge (RFC 6750 §3, RFC 9728 §5.1). Each API renders it in its own
 * envelope but must send the header and status as they are.
 */
export class TokenRejected extends Error {
  constructor(
    readonly status: 400 | 401 | 403,
    readonly code: 'invalid_request' | 'invalid_token' | 'insufficient_scope' | undefined,
    readonly description: string,
    readonly wwwAuthenticate: string,
  ) {
    super(description);
    this.name = 'TokenRejected';
  }
}

export function challenge(params: Record<string, string | undefined>): string {
  const parts = Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}="${v!.replace(/["\\]/g, '')}"`);
  return parts.length ? `Bearer ${parts.join(', ')}` : 'Bearer';
}
