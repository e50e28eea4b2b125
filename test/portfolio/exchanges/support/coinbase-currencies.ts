import { createHash } from 'node:crypto';

/** What Coinbase says about a currency (v2 /currencies, /currencies/crypto and each account's `currency`). */
export interface CoinbaseCurrency {
  code: string;
  name: string;
  exponent: number;
  type: 'crypto' | 'fiat';
  /** The v2 `network.network_name` of its sends. */
  network: string;
  /** Fiat value used for `native_amount` only (display, not money the tests check). */
  usd: string;
}

const KNOWN: CoinbaseCurrency[] = [
  { code: 'BTC', name: 'Bitcoin', exponent: 8, type: 'crypto', network: 'bitcoin', usd: '60000' },
  { code: 'ETH', name: 'Ethereum', exponent: 8, type: 'crypto', network: 'ethereum', usd: '3000' },
  { code: 'SOL', name: 'Solana', exponent: 9, type: 'crypto', network: 'solana', usd: '150' },
  { code: 'USDC', name: 'USDC', exponent: 6, type: 'crypto', network: 'ethereum', usd: '1' },
  { code: 'USDT', name: 'Tether', exponent: 6, type: 'crypto', network: 'ethereum', usd: '1' },
  { code: 'DOGE', name: 'Dogecoin', exponent: 8, type: 'crypto', network: 'dogecoin', usd: '0.1' },
  { code: 'ADA', name: 'Cardano', exponent: 6, type: 'crypto', network: 'cardano', usd: '0.5' },
  { code: 'USD', name: 'US Dollar', exponent: 2, type: 'fiat', network: '', usd: '1' },
  { code: 'EUR', name: 'Euro', exponent: 2, type: 'fiat', network: '', usd: '1.1' },
  { code: 'GBP', name: 'British Pound', exponent: 2, type: 'fiat', network: '', usd: '1.25' },
];

const BY_CODE = new Map(KNOWN.map((currency) => [currency.code, currency]));

export function coinbaseCurrency(code: string): CoinbaseCurrency {
  return BY_CODE.get(code) ?? { code, name: code, exponent: 8, type: 'crypto', network: code.toLowerCase(), usd: '1' };
}

export function knownCoinbaseCurrencies(): CoinbaseCurrency[] {
  return [...KNOWN];
}

/** A stable UUID-shaped id (Coinbase ids are UUIDs): the same seed gives the same id across syncs. */
export function coinbaseUuid(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The wallet of a currency: the v2 account id and the v3 account uuid are the same id at Coinbase. */
export function coinbaseAccountId(code: string): string {
  return coinbaseUuid(`account/${code}`);
}

/** The `currency` object of a v2 account. */
export function v2CurrencyObject(code: string): Record<string, unknown> {
  const currency = coinbaseCurrency(code);
  return currency.type === 'fiat'
    ? { code, name: currency.name, color: '#0066CF', sort_index: 0, exponent: currency.exponent, type: 'fiat' }
    : {
        code,
        name: currency.name,
        color: '#F7931A',
        sort_index: 100,
        exponent: currency.exponent,
        type: 'crypto',
        address_regex: '^.+$',
        asset_id: coinbaseUuid(`asset/${code}`),
        slug: currency.name.toLowerCase(),
      };
}
