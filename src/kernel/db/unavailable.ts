/** Seconds a client is asked to wait when the database cannot be reached. */
export const DATABASE_RETRY_AFTER_S = 5;

// PostgreSQL: admin shutdown, crash shutdown, cannot connect now, too many connections; class 08
// is "connection exception". Node's socket errors and pg's own words for a lost or slow connection.
const PG_CODES = new Set(['57P01', '57P02', '57P03', '53300', '57014']);
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN', // a DNS server that did not answer
]);
const PG_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'Client has encountered a connection error and is not queryable',
];

/**
 * Whether an error means the database is out of reach for now (down, restarting, cut off, too
 * slow), not that a request was wrong: such requests are answered 503 with Retry-After, never 500.
 * SQLite's "busy" after its busy timeout counts too.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (
    let e = error as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0;
    e && depth < 4;
    depth++
  ) {
    const code = typeof e.code === 'string' ? e.code : '';
    const message = typeof e.message === 'string' ? e.message : '';
    if (PG_CODES.has(code) || code.startsWith('08') || SOCKET_CODES.has(code)) return true;
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT') return true;
    if (PG_MESSAGES.some((m) => message.includes(m))) return true;
    e = e.cause as typeof e;
  }
  return false;
}
