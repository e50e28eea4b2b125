import type { ExchangeFixture } from './exchange-stand-in.ts';
import { coinbaseUuid, knownCoinbaseCurrencies, v2CurrencyObject } from './coinbase-currencies.ts';
import { paginateV2 } from './coinbase-v2-pagination.ts';
import { buildV2Book, withExpansions, type CoinbaseWalletFixture } from './coinbase-v2-wire.ts';
import {
  COINBASE_PORTFOLIO_UUID,
  decodeV3Cursor,
  encodeV3Cursor,
  v3Accounts,
  v3Fills,
  v3Products,
  v3TransactionSummary,
} from './coinbase-v3-wire.ts';

type Json = Record<string, unknown>;
export interface Answer {
  status: number;
  body: unknown;
}

/** v3 (Advanced Trade) errors are `{error, error_details, message}` with the gRPC status name. */
export function v3Error(status: number, error: string, message: string): Answer {
  return { status, body: { error, error_details: message, message } };
}

/** v2 errors are `{"errors": [{"id", "message"}]}`. */
export function v2Error(status: number, id: string, message: string): Answer {
  return { status, body: { errors: [{ id, message }] } };
}

/** Public endpoints ccxt reads in loadMarkets and fetchTime. */
export function publicRoute(
  path: string,
  query: URLSearchParams,
  fixture: ExchangeFixture,
  now: number,
): Answer | undefined {
  const currencies = knownCoinbaseCurrencies();
  switch (path) {
    case '/api/v3/brokerage/market/products':
      return { status: 200, body: v3Products(fixture, query.get('product_type')) };
    case '/api/v3/brokerage/time':
      return {
        status: 200,
        body: {
          iso: new Date(now).toISOString(),
          epochSeconds: String(Math.floor(now / 1000)),
          epochMillis: String(now),
        },
      };
    case '/v2/time':
      return {
        status: 200,
        body: { data: { iso: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'), epoch: Math.floor(now / 1000) } },
      };
    case '/v2/currencies':
      return {
        status: 200,
        body: {
          data: currencies
            .filter((c) => c.type === 'fiat')
            .map((c) => ({ id: c.code, name: c.name, min_size: '0.01' })),
        },
      };
    case '/v2/currencies/crypto':
      return {
        status: 200,
        body: {
          data: currencies
            .filter((c) => c.type === 'crypto')
            .map((c) => {
              const { code, name, color, sort_index, exponent, type, address_regex, asset_id } = v2CurrencyObject(
                c.code,
              );
              return {
                asset_id,
                code,
                name,
                color,
                sort_index: String(sort_index),
                exponent: String(exponent),
                type,
                address_regex,
              };
            }),
        },
      };
    case '/v2/exchange-rates':
      return {
        status: 200,
        body: {
          data: {
            currency: 'USD',
            rates: Object.fromEntries(currencies.map((c) => [c.code, c.code === 'USD' ? '1' : '0.5'])),
          },
        },
      };
    default:
      return undefined;
  }
}

export interface PrivateContext {
  fixture: ExchangeFixture;
  permissions: { trade: boolean; withdraw: boolean };
  canView: boolean;
}

/** Signed v3 endpoints. */
export function v3PrivateRoute(path: string, query: URLSearchParams, context: PrivateContext): Answer | undefined {
  if (path === '/api/v3/brokerage/key_permissions')
    return {
      status: 200,
      body: {
        can_view: context.canView,
        can_trade: context.permissions.trade,
        can_transfer: context.permissions.withdraw,
        portfolio_uuid: COINBASE_PORTFOLIO_UUID,
        portfolio_type: 'DEFAULT',
      },
    };
  if (!context.canView) return v3Error(403, 'PERMISSION_DENIED', 'Missing required scopes');
  if (path === '/api/v3/brokerage/transaction_summary') return { status: 200, body: v3TransactionSummary() };
  if (path === '/api/v3/brokerage/accounts') {
    const page = pageV3(v3Accounts(context.fixture), query, 49, 250);
    if ('status' in page) return page;
    return {
      status: 200,
      body: { accounts: page.items, has_next: page.cursor !== '', cursor: page.cursor, size: page.items.length },
    };
  }
  if (path === '/api/v3/brokerage/orders/historical/fills') return fills(query, context.fixture);
  return undefined;
}

/**
 * GET /orders/historical/fills: newest first; `start_sequence_timestamp` / `end_sequence_timestamp`
 * (RFC 3339, both inclusive) filter by sequence time, `product_id` / `product_ids` by market,
 * `limit` (default 100) sizes the page and `cursor` (opaque) continues it.
 */
function fills(query: URLSearchParams, fixture: ExchangeFixture): Answer {
  const start = timeParam(query, 'start_sequence_timestamp');
  const end = timeParam(query, 'end_sequence_timestamp');
  if (Number.isNaN(start) || Number.isNaN(end)) return v3Error(400, 'INVALID_ARGUMENT', 'invalid sequence timestamp');
  const products = [...query.getAll('product_id'), ...query.getAll('product_ids')];
  const selected = v3Fills(fixture).filter((fill) => {
    const time = Date.parse(fill['sequence_timestamp'] as string);
    return (
      (start === undefined || time >= start) &&
      (end === undefined || time <= end) &&
      (products.length === 0 || products.includes(fill['product_id'] as string))
    );
  });
  const page = pageV3(selected, query, 100, Number.MAX_SAFE_INTEGER);
  if ('status' in page) return page;
  return { status: 200, body: { fills: page.items, cursor: page.cursor } };
}

function timeParam(query: URLSearchParams, name: string): number | undefined {
  const text = query.get(name);
  return text === null ? undefined : Date.parse(text);
}

function pageV3(
  items: Json[],
  query: URLSearchParams,
  defaultLimit: number,
  maxLimit: number,
): { items: Json[]; cursor: string } | Answer {
  const limit = query.has('limit') ? Number(query.get('limit')) : defaultLimit;
  const cursor = query.get('cursor');
  const offset = cursor ? decodeV3Cursor(cursor) : 0;
  if (!Number.isInteger(limit) || limit < 1 || offset === undefined)
    return v3Error(400, 'INVALID_ARGUMENT', 'invalid limit or cursor');
  const page = items.slice(offset, offset + Math.min(limit, maxLimit));
  const next = offset + page.length;
  return { items: page, cursor: next < items.length ? encodeV3Cursor(next) : '' };
}

/** Signed v2 endpoints: the user, accounts and each account's transactions, deposits and withdrawals. */
export function v2PrivateRoute(path: string, query: URLSearchParams, context: PrivateContext): Answer | undefined {
  if (!context.canView) return v2Error(403, 'invalid_scope', 'Invalid scope');
  return v2WalletRoute(path, query, context.fixture);
}

/** The v2 wallet API over a fixture: shared by the API-key stand-in and the OAuth stand-in. */
export function v2WalletRoute(
  path: string,
  query: URLSearchParams,
  fixture: CoinbaseWalletFixture,
): Answer | undefined {
  if (path === '/v2/user')
    return {
      status: 200,
      body: {
        data: {
          id: coinbaseUuid('user'),
          name: 'Satoshi Example',
          username: null,
          profile_location: null,
          profile_bio: null,
          profile_url: null,
          avatar_url: 'https://images.coinbase.com/avatar',
          resource: 'user',
          resource_path: '/v2/user',
        },
      },
    };
  const book = buildV2Book(fixture);
  if (path === '/v2/accounts') return paginateV2(book.accounts, query, path, 300);
  const match = /^\/v2\/accounts\/([^/]+)(?:\/(transactions|deposits|withdrawals))?$/.exec(path);
  if (!match) return undefined;
  const account = book.accounts.find((a) => a['id'] === match[1]);
  if (!account) return v2Error(404, 'not_found', 'Not found');
  if (!match[2]) return { status: 200, body: { data: account } };
  const lists = { transactions: book.transactions, deposits: book.deposits, withdrawals: book.withdrawals };
  const records = (lists[match[2] as keyof typeof lists].get(match[1]!) ?? []).map((r) => withExpansions(r, query));
  return paginateV2(records, query, path);
}
