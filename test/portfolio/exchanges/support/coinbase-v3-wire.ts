import type { ExchangeFixture } from './exchange-stand-in.ts';
import { coinbaseAccountId, coinbaseCurrency } from './coinbase-currencies.ts';
import { addDecimals, compareDecimals } from './coinbase-decimals.ts';

type Json = Record<string, unknown>;

const PORTFOLIO = '7e3b3ef8-7f6d-5b1a-9b5e-0d8f3a0c1a11';
const USER = '3f1c7f5e-2a1b-5c3d-8e4f-9a0b1c2d3e4f';
export const COINBASE_PORTFOLIO_UUID = PORTFOLIO;

/** Markets every stand-in lists besides the fixture's own. */
const DEFAULT_MARKETS = ['BTC-USD', 'ETH-USD', 'ETH-BTC', 'SOL-USD', 'BTC-EUR', 'USDT-USD', 'DOGE-USD'];

/** GET /api/v3/brokerage/market/products: spot products (futures and perpetuals answer an empty list). */
export function v3Products(fixture: ExchangeFixture, productType: string | null): Json {
  if (productType && productType !== 'SPOT') return { products: [], num_products: 0 };
  const ids = new Set([...DEFAULT_MARKETS, ...fixture.trades.map((t) => `${t.base}-${t.quote}`)]);
  const products = [...ids].sort().map(product);
  return { products, num_products: products.length };
}

function product(id: string): Json {
  const [base, quote] = id.split('-') as [string, string];
  const fiatQuote = coinbaseCurrency(quote).type === 'fiat' || quote === 'USDT' || quote === 'USDC';
  const priceIncrement = fiatQuote ? '0.01' : '0.00001';
  return {
    product_id: id,
    price: fiatQuote ? '100.00' : '0.05000',
    price_percentage_change_24h: '1.25',
    volume_24h: '1000.5',
    volume_percentage_change_24h: '-3.1',
    base_increment: '0.00000001',
    quote_increment: priceIncrement,
    quote_min_size: fiatQuote ? '1' : '0.00001',
    quote_max_size: '150000000',
    base_min_size: '0.00000001',
    base_max_size: '3400',
    base_name: coinbaseCurrency(base).name,
    quote_name: coinbaseCurrency(quote).name,
    watched: false,
    is_disabled: false,
    new: false,
    status: 'online',
    cancel_only: false,
    limit_only: false,
    post_only: false,
    trading_disabled: false,
    auction_mode: false,
    product_type: 'SPOT',
    quote_currency_id: quote,
    base_currency_id: base,
    fcm_trading_session_details: null,
    mid_market_price: '',
    alias: '',
    alias_to: [],
    base_display_symbol: base,
    quote_display_symbol: quote,
    view_only: false,
    price_increment: priceIncrement,
    display_name: id,
    product_venue: 'CBE',
  };
}

/** Every v3 account: one wallet per currency the fixture names (zero balances included, as Coinbase lists them). */
export function v3Accounts(fixture: ExchangeFixture): Json[] {
  const byCode = new Map<string, { free: string; used: string }>();
  for (const code of fixtureCurrencies(fixture)) byCode.set(code, { free: '0', used: '0' });
  for (const b of fixture.balances) {
    const seen = byCode.get(b.asset)!;
    byCode.set(b.asset, { free: addDecimals(seen.free, b.free), used: addDecimals(seen.used, b.used ?? '0') });
  }
  return [...byCode.keys()].sort().map((code) => {
    const { free, used } = byCode.get(code)!;
    return {
      uuid: coinbaseAccountId(code),
      name: `${code} Wallet`,
      currency: code,
      available_balance: { value: free, currency: code },
      default: true,
      active: true,
      created_at: '2020-01-01T00:00:00.000Z',
      updated_at: '2024-01-01T00:00:00.000Z',
      deleted_at: null,
      type: coinbaseCurrency(code).type === 'fiat' ? 'ACCOUNT_TYPE_FIAT' : 'ACCOUNT_TYPE_CRYPTO',
      ready: true,
      hold: { value: used, currency: code },
      retail_portfolio_id: PORTFOLIO,
      platform: 'ACCOUNT_PLATFORM_CONSUMER',
    };
  });
}

/** Fills, newest first (Coinbase's order): the commission is in the quote currency. */
export function v3Fills(fixture: ExchangeFixture): Json[] {
  return [...fixture.trades]
    .sort((a, b) => b.timestamp - a.timestamp || b.id.localeCompare(a.id))
    .map((t) => {
      if (t.fee.asset !== t.quote && compareDecimals(t.fee.amount, '0') !== 0)
        throw new Error(`coinbase charges commission in the quote currency; trade ${t.id} pays it in ${t.fee.asset}`);
      const time = new Date(t.timestamp).toISOString();
      return {
        entry_id: `entry-${t.id}`,
        trade_id: t.id,
        order_id: t.orderId ?? `order-${t.id}`,
        trade_time: time,
        trade_type: 'FILL',
        price: t.price,
        size: t.amount,
        commission: t.fee.amount,
        product_id: `${t.base}-${t.quote}`,
        sequence_timestamp: time,
        liquidity_indicator: 'TAKER',
        size_in_quote: false,
        user_id: USER,
        side: t.side === 'buy' ? 'BUY' : 'SELL',
        retail_portfolio_id: PORTFOLIO,
      };
    });
}

export function v3TransactionSummary(): Json {
  return {
    total_volume: 0,
    total_fees: 0,
    fee_tier: {
      pricing_tier: 'Advanced 1',
      usd_from: '0',
      usd_to: '1000',
      taker_fee_rate: '0.012',
      maker_fee_rate: '0.006',
      aop_from: '',
      aop_to: '',
    },
    margin_rate: null,
    goods_and_services_tax: null,
    advanced_trade_only_volume: 0,
    advanced_trade_only_fees: 0,
    coinbase_pro_volume: 0,
    coinbase_pro_fees: 0,
    total_balance: '',
    has_promo_fee: false,
  };
}

/** Opaque v3 cursors: the offset into the list, encoded so a client cannot treat it as a number. */
export function encodeV3Cursor(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString('base64url');
}

export function decodeV3Cursor(cursor: string): number | undefined {
  const match = /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  return match ? Number(match[1]) : undefined;
}

/** Every currency the fixture names: each has a wallet at Coinbase. */
export function fixtureCurrencies(fixture: ExchangeFixture): Set<string> {
  return new Set([
    ...fixture.balances.map((b) => b.asset),
    ...fixture.trades.flatMap((t) => [t.base, t.quote]),
    ...fixture.deposits.map((d) => d.asset),
    ...fixture.withdrawals.map((w) => w.asset),
    ...fixture.rewards.map((r) => r.asset),
    ...fixture.conversions.flatMap((c) => [c.from.asset, c.to.asset]),
  ]);
}
