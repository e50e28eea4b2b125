import { MalformedBody } from './malformed-body.ts';

/**
 * U+0000 in a request. PostgreSQL's text cannot hold it (error 22021 on any statement that binds
 * it, a lookup as much as an insert), and no field of ours means one: refused where requests come
 * in (address, form and JSON bodies), on every database alike, so a client meets the same 400 on
 * SQLite as on PostgreSQL rather than a 500 on one of them.
 */
export const NUL_REFUSED = 'no field may hold a NUL character (U+0000)';

/** Whether a string, or any string or key inside an array or object, holds U+0000. */
function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\0');
  if (Array.isArray(value)) return value.some(holdsNul);
  if (value === null || typeof value !== 'object') return false;
  for (const [key, inner] of Object.entries(value)) if (key.includes('\0') || holdsNul(inner)) return true;
  return false;
}

/**
 * Whether `value`, parsed from the JSON `text`, holds U+0000. JSON writes it only as the escape
 * `\u0000` (a raw control character is not JSON), so text without that escape cannot, and only
 * text with it is walked (`"\\u0000"` is six plain characters: the parsed value tells).
 */
export function parsedJsonHoldsNul(text: string, value: unknown): boolean {
  return text.includes('\\u0000') && holdsNul(value);
}

/** Whether a request target holds a percent-encoded NUL (`%00`); a raw one never gets past Node's parser. */
export function addressHoldsNul(url: string): boolean {
  return url.includes('%00');
}

/**
 * For error renderers, behind the checks above: a statement PostgreSQL refused for a value's
 * characters (22021: NUL, or bytes invalid in UTF-8) came from a value decoded where no check
 * looked, so it is the request's fault, a 400 (MalformedBody) rather than a 500. Anything else
 * is returned as it is.
 */
export function refusedTextAsMalformed<E>(error: E): E | MalformedBody {
  return (error as { code?: unknown } | undefined)?.code === '22021' ? new MalformedBody(NUL_REFUSED) : error;
}
