import ccxt, { type Exchange } from 'ccxt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dividendCategory,
  dividendHistory,
  dividendTransaction,
  dustHistory,
  dustTransaction,
} from '../../../src/portfolio/sources/exchange/exchanges/binance-histories.ts';
import { binance } from '../../../src/portfolio/sources/exchange/exchanges/binance.ts';
import { startBinanceStandIn } from './support/binance-stand-in.ts';
import { emptyFixture, type ExchangeStandIn } from './support/exchange-stand-in.ts';

const DAY = 86_400_000;
const NOW = Date.now();

describe('Binance dividends and dust as normalized transactions', () => {
  it('classifies dividends by their English label', () => {
    expect(dividendCategory('Simple Earn Flexible Interest')).toBe('interest');
    expect(dividendCategory('Flexible Savings')).toBe('interest');
    expect(dividendCategory('BHFT distribution')).toBe('airdrop');
    expect(dividendCategory('ETH 2.0 Staking')).toBe('staking_reward');
    expect(dividendCategory(undefined)).toBe('staking_reward');
  });

  it('keeps a dividend as one input, cut to the asset decimals', () => {
    const tx = dividendTransaction({
      id: 242006910,
      tranId: 2968885920,
      asset: 'USDT',
      amount: '0.12345678',
      divTime: 1563189166000,
      enInfo: 'Simple Earn Flexible Interest',
    });
    expect(tx).toMatchObject({
      externalId: 'dividends:242006910',
      timestamp: 1563189166000,
      status: 'confirmed',
      category: 'interest',
      categorizationSource: 'provider',
      description: 'Simple Earn Flexible Interest',
      outputs: [],
      fees: [],
    });
    expect(tx.inputs.map((l) => [l.asset.namespace, l.asset.symbol, l.quantity])).toEqual([
      ['exchange:binance', 'USDT', 123_456n],
    ]);
  });

  it("books a dust sweep as a trade: the coin out, BNB in before Binance's charge, the charge as a fee", () => {
    // The example of Binance's dribblet docs: 0.0009 USDT → 0.000441 BNB after a 0.000009 BNB charge.
    const sweep = { transId: 45178372831, operateTime: 1615985535000 };
    const tx = dustTransaction(sweep, {
      transId: 4359321,
      fromAsset: 'USDT',
      amount: '0.0009',
      transferedAmount: '0.000441',
      serviceChargeAmount: '0.000009',
      operateTime: 1615985535000,
    });
    expect(tx).toMatchObject({ externalId: 'dust:45178372831:USDT', category: 'trade', timestamp: 1615985535000 });
    expect(tx.outputs.map((l) => [l.asset.symbol, l.quantity])).toEqual([['USDT', 900n]]);
    expect(tx.inputs.map((l) => [l.asset.symbol, l.quantity])).toEqual([['BNB', 450_000_000_000_000n]]);
    expect(tx.fees.map((f) => [f.asset.symbol, f.quantity, f.kind])).toEqual([['BNB', 9_000_000_000_000n, 'exchange']]);
  });
});

describe('Binance dividends and dust paged through ccxt', () => {
  let standIn: ExchangeStandIn;
  let exchange: Exchange;

  beforeAll(async () => {
    const fixture = emptyFixture();
    // 1,234 rewards, two to a millisecond, so 500-row pages end inside a millisecond.
    for (let i = 0; i < 1234; i++)
      fixture.rewards.push({
        id: String(300_000_000 + i),
        asset: i % 2 ? 'ETH' : 'BNB',
        amount: '0.0001',
        kind: 'staking',
        timestamp: NOW - 170 * DAY + Math.floor(i / 2) * 3_600_000,
      });
    for (let i = 0; i < 130; i++)
      fixture.conversions.push({
        id: String(45_000_000_000 + i),
        from: { asset: 'SHIB', amount: '1000' },
        to: { asset: 'BNB', amount: '0.00002' },
        timestamp: NOW - 100 * DAY + i * DAY * 0.5,
      });
    standIn = await startBinanceStandIn({ fixture });
    exchange = new ccxt.binance({
      apiKey: standIn.key.api_key,
      secret: standIn.key.secret_key,
      enableRateLimit: false,
      options: binance.options,
    });
    for (const [name, url] of Object.entries(exchange.urls.api as Record<string, string>))
      (exchange.urls.api as Record<string, string>)[name] = url.replace(/^https:\/\/[^/]+/, standIn.url);
  });
  afterAll(() => standIn.close());

  it('reads every dividend of a 180-day window once, across pages', async () => {
    const rewards = await dividendHistory.fetch(exchange, NOW - 180 * DAY, NOW);
    expect(rewards).toHaveLength(1234);
    expect(new Set(rewards.map((r) => r.externalId)).size).toBe(1234);
    expect(standIn.requests.filter((r) => r.path === '/sapi/v1/asset/assetDividend').length).toBe(3);
  });

  it('reads every dust sweep past the 100-sweep answer', async () => {
    const sweeps = await dustHistory.fetch(exchange, NOW - 180 * DAY, NOW);
    expect(sweeps.map((s) => s.externalId).sort()).toEqual(
      Array.from({ length: 130 }, (_, i) => `dust:${45_000_000_000 + i}:SHIB`).sort(),
    );
  });
});
