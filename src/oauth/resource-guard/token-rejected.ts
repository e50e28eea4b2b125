import type { AuthorizationScheme } from './bearer.ts';

/** RFC 6750 §3.1 error codes, and RFC 9449 §7.1's for DPoP proofs. */
export type TokenErrorCode =
  'invalid_request' | 'invalid_token' | 'insufficient_scope' | 'invalid_dpop_proof' | 'use_dpop_nonce';

/**
 * A request the bearer-token guard refused, with its RFC 6750 error code and the
 * `WWW-Authenticate` challenge (RFC 6750 §3, RFC 9728 §5.1, RFC 9449 §7.1). Each API renders it
 * in its own envelope but must send the header and status as they are (a `DPoP-Nonce` the
 * guard set on the reply goes along).
 */
export class TokenRejected extends Error {
  constructor(
    readonly status: 400 | 401 | 403,
    readonly code: TokenErrorCode | undefined,
    readonly description: string,
    readonly wwwAuthenticate: string,
  ) {
    super(description);
    this.name = 'TokenRejected';
  }
}

/** One challenge: `Bearer k="v", …` (or `DPoP …` for a DPoP-bound token). */
export function challenge(params: Record<string, string | undefined>, scheme: AuthorizationScheme = 'Bearer'): string {
  const parts = Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}="${v!.replace(/["\\]/g, '')}"`);
  return parts.length ? `${scheme} ${parts.join(', ')}` : scheme;
}
