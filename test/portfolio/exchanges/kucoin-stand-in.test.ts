import ccxt, { type Exchange, type Trade } from 'ccxt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kucoin } from '../../../src/portfolio/sources/exchange/exchanges/kucoin.ts';
import { emptyFixture, type ExchangeFixture, type ExchangeStandIn } from './support/exchange-stand-in.ts';
import { startKucoinStandIn } from './support/kucoin-stand-in.ts';

const T0 = Date.UTC(2025, 2, 3, 8, 0, 0);
const MINUTE = 60_000;
const DAY = 86_400_000;

/** 150 BTC/USDT fills a minute apart (more than a page), one ETH/BTC sell charged in BTC. */
function fixture(): ExchangeFixture {
  const f = emptyFixture();
  f.balances = [
    { asset: 'BTC', free: '0.5', used: '0.125' },
    { asset: 'USDT', free: '1000.25' },
    { asset: 'ETH', free: '2.5', wallet: 'funding' },
    { asset: 'KCS', free: '10', used: '1.5', wallet: 'funding' },
  ];
  for (let i = 0; i < 150; i++)
    f.trades.push({
      id: `${3000 + i}`,
      base: 'BTC',
      quote: 'USDT',
      side: i % 2 === 0 ? 'buy' : 'sell',
      amount: '0.001',
      price: '60000.5',
      cost: '60.0005',
      fee: { asset: 'USDT', amount: '0.0600005' },
      timestamp: T0 + i * MINUTE,
    });
  f.trades.push({
    id: 'eth-sell-1',
    orderId: '66b2aa6f9ab4fb0007a3cd01',
    base: 'ETH',
    quote: 'BTC',
    side: 'sell',
    amount: '1.25',
    price: '0.0525',
    cost: '0.065625',
    fee: { asset: 'BTC', amount: '0.00006562' },
    timestamp: T0 + 30 * MINUTE + 1,
  });
  f.deposits = [
    {
      id: 'd1',
      asset: 'BTC',
      amount: '0.75',
      network: 'BTC',
      txid: 'btc-tx-1',
      address: 'bc1qdep',
      timestamp: T0 - 3 * MINUTE,
      status: 'ok',
    },
    {
      id: 'd2',
      asset: 'USDT',
      amount: '500',
      network: 'TRC20',
      txid: 'trx-tx-2',
      address: 'TQdep',
      timestamp: T0 - 2 * MINUTE,
      status: 'pending',
    },
    {
      id: 'd-2018',
      asset: 'ETH',
      amount: '3',
      network: 'ERC20',
      txid: '0xold',
      address: '0xdep',
      timestamp: Date.UTC(2018, 5, 1),
      status: 'ok',
    },
  ];
  f.withdrawals = [
    {
      id: 'w1',
      asset: 'ETH',
      amount: '0.4',
      fee: '0.0012',
      network: 'ERC20',
      txid: '0xabc',
      address: '0xdest',
      timestamp: T0 + 500 * MINUTE,
      status: 'ok',
    },
    {
      id: 'w2',
      asset: 'USDT',
      amount: '20',
      fee: '1',
      network: 'TRC20',
      address: 'TQdest',
      timestamp: T0 + 501 * MINUTE,
      status: 'failed',
    },
  ];
  return f;
}

function connect(standIn: ExchangeStandIn, key = standIn.key): Exchange {
  const exchange = new ccxt.kucoin({
    apiKey: key.api_key,
    secret: key.secret_key,
    password: key.passphrase,
    enableRateLimit: true,
    options: kucoin.options,
  });
  exchange.urls.api = pointAt(exchange.urls.api, standIn.url) as typeof exchange.urls.api;
  exchange.number = String as unknown as typeof exchange.number;
  return exchange;
}

function pointAt(urls: unknown, base: string): unknown {
  if (typeof urls === 'string') return urls.replace(/^https?:\/\/[^/]+/, base.replace(/\/$/, ''));
  if (urls && typeof urls === 'object')
    return Object.fromEntries(Object.entries(urls).map(([k, v]) => [k, pointAt(v, base)]));
  return urls;
}

/** HF fills come newest first: within one window keep `since` and step `until` below each full page. */
async function tradesInWindow(exchange: Exchange, symbol: string, since: number, until: number): Promise<Trade[]> {
  const trades: Trade[] = [];
  let end = until;
  for (;;) {
    const page = await exchange.fetchMyTrades(symbol, since, kucoin.pageLimit, { until: end });
    trades.push(...page);
    if (page.length < kucoin.pageLimit) return trades;
    end = page[0]!.timestamp! - 1;
  }
}

describe('KuCoin stand-in, read through ccxt', () => {
  let standIn: ExchangeStandIn;
  let exchange: Exchange;

  beforeEach(async () => {
    standIn = await startKucoinStandIn({ fixture: fixture() });
    exchange = connect(standIn);
  });
  afterEach(() => standIn.close());

  it('loads spot markets, the currencies with their chains and, signed, the account mode', async () => {
    const markets = await exchange.loadMarkets();
    expect(markets['BTC/USDT']).toMatchObject({ id: 'BTC-USDT', spot: true, base: 'BTC', quote: 'USDT' });
    expect(markets['ETH/BTC']).toMatchObject({ id: 'ETH-BTC', spot: true });
    expect(Object.keys(exchange.currencies['USDT']!.networks)).toEqual(expect.arrayContaining(['ERC20', 'TRC20']));
    expect(exchange.options['hf']).toBe(true);
    expect(exchange.options['uta']).toBe(false);
    expect(new Set(standIn.requests.map((r) => r.path))).toEqual(
      new Set([
        '/api/v2/symbols',
        '/api/v3/currencies',
        '/api/v3/margin/symbols',
        '/api/v1/isolated/symbols',
        '/api/v1/hf/accounts/opened',
        '/api/ua/v1/account/mode',
      ]),
    );
  });

  it('reads the HF trading account and the funding (main) account as exact decimal strings', async () => {
    const trading = await exchange.fetchBalance();
    expect(trading['BTC']).toEqual({ free: '0.5', used: '0.125', total: '0.625' });
    expect(trading['USDT']).toEqual({ free: '1000.25', used: '0', total: '1000.25' });
    expect(trading['ETH']).toBeUndefined();
    const funding = await exchange.fetchBalance(kucoin.extraWallets![0]);
    expect(funding['ETH']).toEqual({ free: '2.5', used: '0', total: '2.5' });
    expect(funding['KCS']).toEqual({ free: '10', used: '1.5', total: '11.5' });
    expect(funding['BTC']).toBeUndefined();
  });

  it('reports a General-only key as read-only and a key with Spot and Withdrawal rights as such', async () => {
    expect(await kucoin.permissions!(exchange)).toEqual({ canTrade: false, canWithdraw: false });
    standIn.permissions = { trade: true, withdraw: true };
    expect(await kucoin.permissions!(exchange)).toEqual({ canTrade: true, canWithdraw: true });
  });

  it('needs a symbol for HF fills and parses one exactly', async () => {
    await expect(exchange.fetchMyTrades(undefined, T0, kucoin.pageLimit)).rejects.toThrow(ccxt.ArgumentsRequired);
    const trades = await exchange.fetchMyTrades('ETH/BTC', T0, kucoin.pageLimit, { until: T0 + DAY });
    expect(trades).toHaveLength(1);
    expect(trades[0]).toMatchObject({
      id: 'eth-sell-1',
      order: '66b2aa6f9ab4fb0007a3cd01',
      symbol: 'ETH/BTC',
      side: 'sell',
      amount: '1.25',
      price: '0.0525',
      cost: '0.065625',
      fee: { cost: '0.00006562', currency: 'BTC' },
      timestamp: T0 + 30 * MINUTE + 1,
      takerOrMaker: 'taker',
    });
  });

  it('answers HF fills newest first within at most 7 days, so every fill comes once when `until` steps down', async () => {
    const newest = await exchange.fetchMyTrades('BTC/USDT', T0, kucoin.pageLimit, { until: T0 + DAY });
    expect(newest).toHaveLength(100);
    expect(newest[0]!.timestamp).toBe(T0 + 50 * MINUTE);
    const all = await tradesInWindow(exchange, 'BTC/USDT', T0, T0 + (kucoin.tradeWindowMs ?? 0) - 1);
    expect(all.map((t) => t.id).sort()).toEqual(Array.from({ length: 150 }, (_, i) => `${3000 + i}`).sort());
    await expect(exchange.fetchMyTrades('BTC/USDT', T0, kucoin.pageLimit, { until: T0 + 8 * DAY })).rejects.toThrow(
      ccxt.BadRequest,
    );
    expect(exchange.last_http_response).toContain('"code":"400100"');
  });

  it('parses deposits and withdrawals; a deposit has no id, only its txid', async () => {
    const deposits = await exchange.fetchDeposits(undefined, T0 - DAY, kucoin.pageLimit, { until: T0 });
    expect(deposits.map((d) => [d.id, d.currency, d.amount, d.status, d.txid, d.network, d.address])).toEqual([
      [undefined, 'BTC', '0.75', 'ok', 'btc-tx-1', 'BTC', 'bc1qdep'],
      [undefined, 'USDT', '500', 'pending', 'trx-tx-2', 'TRC20', 'TQdep'],
    ]);
    expect(deposits.map((d) => [d.timestamp, d.type])).toEqual([
      [T0 - 3 * MINUTE, 'deposit'],
      [T0 - 2 * MINUTE, 'deposit'],
    ]);
    const withdrawals = await exchange.fetchWithdrawals(undefined, T0, kucoin.pageLimit, { until: T0 + DAY });
    expect(
      withdrawals.map((w) => [w.id, w.currency, w.amount, w.fee?.cost, w.status, w.txid, w.network, w.address]),
    ).toEqual([
      ['w1', 'ETH', '0.4', '0.0012', 'ok', '0xabc', 'ETH', '0xdest'],
      ['w2', 'USDT', '20', '1', 'failed', undefined, 'TRC20', 'TQdest'],
    ]);
    expect(withdrawals.every((w) => w.type === 'withdrawal')).toBe(true);
  });

  it('reads a window before 2019-02-18 from the V1 archive (times in seconds)', async () => {
    const since = Date.UTC(2018, 4, 20);
    const old = await exchange.fetchDeposits(undefined, since, kucoin.pageLimit, {
      until: since + kucoin.transferWindowMs!,
    });
    expect(old.map((d) => [d.currency, d.amount, d.txid, d.timestamp])).toEqual([
      ['ETH', '3', '0xold', Date.UTC(2018, 5, 1)],
    ]);
    expect(standIn.requests.at(-1)!.path).toBe('/api/v1/hist-deposits');
  });

  it('refuses a wrong signature, a wrong passphrase and a deleted key (401 → AuthenticationError)', async () => {
    const forged = connect(standIn, { ...standIn.key, secret_key: 'not-the-secret' });
    await expect(forged.fetchBalance()).rejects.toThrow(ccxt.AuthenticationError);
    expect(forged.last_http_response).toContain('"code":"400004"');
    const wrongPassphrase = connect(standIn, { ...standIn.key, passphrase: 'wrong' });
    await expect(wrongPassphrase.fetchBalance()).rejects.toThrow(ccxt.AuthenticationError);
    expect(wrongPassphrase.last_http_response).toContain('"code":"400004"');
    // The passphrase is encrypted with the secret, so keep it right and break only the signature.
    const signOnly = connect(standIn);
    await signOnly.loadMarkets();
    const realSign = signOnly.sign.bind(signOnly);
    signOnly.sign = (...args: Parameters<Exchange['sign']>) => {
      const signed = realSign(...args);
      if (signed.headers?.['KC-API-SIGN']) signed.headers['KC-API-SIGN'] = Buffer.alloc(32).toString('base64');
      return signed;
    };
    await expect(signOnly.fetchBalance()).rejects.toThrow(ccxt.AuthenticationError);
    expect(signOnly.last_http_response).toContain('"code":"400005"');
    standIn.revokeKey();
    const revoked = connect(standIn);
    await expect(revoked.loadMarkets()).rejects.toThrow(ccxt.AuthenticationError);
    expect(revoked.last_http_response).toContain('KC-API-KEY not exists');
  });

  it('refuses a timestamp more than 5 s off with 400002 (InvalidNonce)', async () => {
    await exchange.loadMarkets();
    exchange.options['timeDifference'] = 6_000;
    await expect(exchange.fetchBalance()).rejects.toThrow(ccxt.InvalidNonce);
    expect(exchange.last_http_response).toContain('"code":"400002"');
    exchange.options['timeDifference'] = 3_000;
    await expect(exchange.fetchBalance()).resolves.toBeDefined();
  });

  it('answers a rate limit with 429, code 429000 and Retry-After; ccxt 4.5 has no class for 429000', async () => {
    await exchange.loadMarkets();
    standIn.rateLimitOnce(9);
    const error = await exchange.fetchBalance().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ccxt.ExchangeError);
    expect(String(error)).toContain('429000');
    expect(exchange.last_response_headers?.['Retry-After'] ?? exchange.last_response_headers?.['retry-after']).toBe(
      '9',
    );
    await expect(exchange.fetchBalance()).resolves.toBeDefined();
  });
});

describe('KuCoin: a key without the General permission', () => {
  it('is refused with 400007, which ccxt reports as AuthenticationError', async () => {
    const standIn = await startKucoinStandIn({ fixture: fixture(), withoutGeneralPermission: true });
    try {
      const exchange = connect(standIn);
      await expect(exchange.loadMarkets()).rejects.toThrow(ccxt.AuthenticationError);
      expect(exchange.last_http_response).toContain('"code":"400007"');
    } finally {
      await standIn.close();
    }
  });
});

describe('KuCoin extra histories, read through ccxt', () => {
  let standIn: ExchangeStandIn;
  afterEach(() => standIn.close());

  it('reads staking and Earn rewards from the ledgers a day at a time, skipping deposits and conversions', async () => {
    const f = fixture();
    for (let i = 0; i < 30; i++)
      f.rewards.push({
        id: `s${i}`,
        asset: 'ETH',
        amount: '0.0001',
        kind: 'staking',
        timestamp: T0 + i * 3 * 3_600_000,
      });
    f.rewards.push({ id: 'i1', asset: 'USDT', amount: '0.0123456789', kind: 'interest', timestamp: T0 + 5 * MINUTE });
    f.conversions.push({
      id: 'c1',
      from: { asset: 'USDT', amount: '30' },
      to: { asset: 'ETH', amount: '0.01' },
      timestamp: T0,
    });
    standIn = await startKucoinStandIn({ fixture: f });
    const exchange = connect(standIn);
    const rewards = kucoin.extraHistories!.find((h) => h.name === 'ledger-rewards')!;
    expect(rewards.windowMs).toBe(DAY);
    const txs = await rewards.fetch(exchange, T0 - DAY, T0 + 4 * DAY - 1);
    expect(txs).toHaveLength(31);
    expect(standIn.requests.filter((r) => r.path === '/api/v1/accounts/ledgers')).toHaveLength(5);
    expect(txs.find((t) => t.externalId === 'ledger-rewards:s3')).toEqual({
      externalId: 'ledger-rewards:s3',
      timestamp: T0 + 9 * 3_600_000,
      status: 'confirmed',
      category: 'staking_reward',
      categorizationSource: 'provider',
      inputs: [
        {
          asset: expect.objectContaining({ symbol: 'ETH', namespace: 'exchange:kucoin' }),
          quantity: 100_000_000_000_000n,
        },
      ],
      outputs: [],
      fees: [],
    });
    expect(txs.find((t) => t.externalId === 'ledger-rewards:i1')).toMatchObject({
      category: 'interest',
      inputs: [{ quantity: 12_345n }],
    });
  });

  it('reads Convert orders as trades: what came in, what went out', async () => {
    const f = emptyFixture();
    f.conversions.push(
      { id: '10721315', from: { asset: 'USDT', amount: '30' }, to: { asset: 'ETH', amount: '0.01' }, timestamp: T0 },
      {
        id: '10721316',
        from: { asset: 'ETH', amount: '0.5' },
        to: { asset: 'USDC', amount: '1500.5' },
        timestamp: T0 + 1,
      },
    );
    standIn = await startKucoinStandIn({ fixture: f });
    const convert = kucoin.extraHistories!.find((h) => h.name === 'convert')!;
    const txs = await convert.fetch(connect(standIn), T0, T0 + MINUTE);
    expect(
      txs.map((t) => ({
        id: t.externalId,
        category: t.category,
        in: t.inputs.map((l) => [l.asset.symbol, l.quantity]),
        out: t.outputs.map((l) => [l.asset.symbol, l.quantity]),
      })),
    ).toEqual([
      {
        id: 'convert:10721316',
        category: 'trade',
        in: [['USDC', 1_500_500_000n]],
        out: [['ETH', 500_000_000_000_000_000n]],
      },
      {
        id: 'convert:10721315',
        category: 'trade',
        in: [['ETH', 10_000_000_000_000_000n]],
        out: [['USDT', 30_000_000n]],
      },
    ]);
    expect(await convert.fetch(connect(standIn), T0 + 2, T0 + MINUTE)).toEqual([]);
  });
});
