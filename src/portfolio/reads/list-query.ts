import type { Catalog } from '../catalog/catalog.ts';
import { badRequest } from '../errors.ts';

export interface ListFilter {
  startTime?: number;
  endTime?: number;
  symbols?: string[];
  providerIds?: string[];
  /** Spam assets and transactions are left out unless this is true. */
  includeSpam?: boolean;
  /**
   * Only these connections: the ones the person shares with the token's app. Set per request from
   * the app's current share, never from the query nor kept in a cursor (an edit applies at once).
   */
  connectionIds?: string[];
}

export interface ListQuery {
  filter: ListFilter;
  limit: number;
  /** False when `limit` is the default (a next page then keeps the limit its cursor remembers). */
  limitGiven: boolean;
  cursor?: string;
}

export type RawListQuery = Partial<
  Record<'start_time' | 'end_time' | 'asset_symbols' | 'crypto_sources' | 'include_spam' | 'limit' | 'cursor', string>
>;

const DEFAULT_LIMIT = 30;
const MAX_LIMIT = 100;
/**
 * Times are epoch milliseconds; below this (1973-03-03 in ms, year 5138 in seconds) a value can
 * only have been meant as seconds, so it is refused rather than silently misread.
 */
const SMALLEST_MS = 100_000_000_000;

/**
 * The query rules of GET /assets and /transactions: times in epoch ms with start ≤ end, lists
 * comma-separated, `include_spam` true or false, limit 1–100 (default 30), and a cursor that
 * carries its own filters (and limit).
 * @throws ApiError 400 with a message naming the parameter
 */
export function parseListQuery(raw: RawListQuery, catalog: Catalog, allowCursor: boolean): ListQuery {
  const limit = raw.limit === undefined ? DEFAULT_LIMIT : integer('limit', raw.limit);
  if (limit < 1 || limit > MAX_LIMIT) throw badRequest(`limit must be between 1 and ${MAX_LIMIT} (got ${raw.limit})`);
  const cursor = allowCursor ? raw.cursor : undefined;
  if (cursor !== undefined) {
    const others = (['start_time', 'end_time', 'asset_symbols', 'crypto_sources', 'include_spam'] as const).filter(
      (k) => raw[k] !== undefined,
    );
    if (others.length)
      throw badRequest(`cursor carries the filters of the first page; do not send ${others.join(', ')} with it`);
    if (!cursor) throw badRequest('cursor is empty');
    return { filter: {}, limit, limitGiven: raw.limit !== undefined, cursor };
  }
  const filter: ListFilter = {};
  if (raw.start_time !== undefined) filter.startTime = integer('start_time', raw.start_time);
  if (raw.end_time !== undefined) filter.endTime = integer('end_time', raw.end_time);
  if (filter.startTime !== undefined && filter.endTime !== undefined && filter.startTime > filter.endTime) {
    throw badRequest(`start_time (${filter.startTime}) is after end_time (${filter.endTime})`);
  }
  const symbols = list(raw.asset_symbols).map((s) => s.toUpperCase());
  for (const symbol of symbols)
    if (!/^[A-Z0-9.-]{1,20}$/.test(symbol)) throw badRequest(`asset_symbols: "${symbol}" is not a symbol`);
  if (symbols.length) filter.symbols = symbols;
  const providers = list(raw.crypto_sources).map((s) => s.toLowerCase());
  for (const id of providers)
    if (!catalog.find(id))
      throw badRequest(`crypto_sources: "${id}" is not a provider (see GET /platform/v2/providers/catalog)`, id);
  if (providers.length) filter.providerIds = providers;
  if (raw.include_spam !== undefined) {
    if (raw.include_spam !== 'true' && raw.include_spam !== 'false')
      throw badRequest(`include_spam must be true or false (got "${raw.include_spam}")`);
    if (raw.include_spam === 'true') filter.includeSpam = true;
  }
  return { filter, limit, limitGiven: raw.limit !== undefined };
}

function integer(name: string, text: string): number {
  if (!/^-?\d{1,16}$/.test(text))
    throw badRequest(
      `${name} must be an integer${name.endsWith('_time') ? ' (Unix epoch milliseconds)' : ''} (got "${text}")`,
    );
  const value = Number(text);
  if (name.endsWith('_time') && value < 0) throw badRequest(`${name} must not be negative`);
  if (name.endsWith('_time') && value > 0 && value < SMALLEST_MS) {
    throw badRequest(`${name} is in Unix epoch milliseconds; ${text} looks like seconds (send ${text}000)`);
  }
  return value;
}

function list(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The page size: the one sent, else the one the cursor remembers from the first page, else 30. */
export function pageLimit(query: ListQuery, cursor: { limit?: number } | undefined): number {
  return !query.limitGiven && cursor?.limit !== undefined ? cursor.limit : query.limit;
}
