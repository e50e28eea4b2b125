/** Credentials on the demo pages keep their start and end, enough to tell them apart, never enough to use. */
export function mask(value: string): string {
  if (value.length <= 16) return '•'.repeat(Math.min(value.length, 8));
  return `${value.slice(0, 10)}…${value.slice(-4)}`;
}

const SECRET_KEYS = new Set(['access_token', 'refresh_token', 'id_token', 'code', 'code_verifier', 'client_secret']);

/** A JSON value with every credential-bearing property masked. */
export function maskJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskJson);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [
        key,
        typeof inner === 'string' && SECRET_KEYS.has(key) ? mask(inner) : maskJson(inner),
      ]),
    );
  }
  return value;
}

/**
 * A form body or query string as sent, with credential-bearing values masked — left unencoded,
 * so the mask reads as a mask rather than as percent-escapes.
 */
export function maskParams(params: URLSearchParams, separator = '&'): string {
  return [...params]
    .map(
      ([key, value]) => `${encodeURIComponent(key)}=${SECRET_KEYS.has(key) ? mask(value) : encodeURIComponent(value)}`,
    )
    .join(separator);
}
