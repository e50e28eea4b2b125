/** Where a person lands after signing in when no (acceptable) `return_to` was given. */
export const DEFAULT_RETURN_TO = '/account';

const BASE = 'http://return-to.invalid';

/**
 * Open-redirect guard: `return_to` must be a path on this server. It must start with exactly one
 * "/", carry no backslash (browsers read "/\evil.com" as "//evil.com") and no control characters
 * (browsers drop tabs and newlines, so "/\t/evil.com" would become "//evil.com"). The value is
 * then normalised through the URL parser, which also percent-encodes non-ASCII for the Location
 * header, and checked again, because dot segments can collapse into "//" ("/..//evil.com").
 */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) return DEFAULT_RETURN_TO;
  if (!isLocalPath(value)) return DEFAULT_RETURN_TO;
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return DEFAULT_RETURN_TO;
  }
  if (url.origin !== BASE) return DEFAULT_RETURN_TO;
  const normalised = url.pathname + url.search + url.hash;
  return isLocalPath(normalised) ? normalised : DEFAULT_RETURN_TO;
}

function isLocalPath(value: string): boolean {
  // eslint-disable-next-line no-control-regex
  const hasControlCharacter = /[\u0000-\u001f\u007f]/.test(value);
  return value.startsWith('/') && !value.startsWith('//') && !value.includes('\\') && !hasControlCharacter;
}
