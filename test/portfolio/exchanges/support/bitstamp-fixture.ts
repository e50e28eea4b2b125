import type { ExchangeFixture } from './exchange-stand-in.ts';

/**
 * A Bitstamp account with more user_transactions rows than one page (1000) holds, amounts
 * under 1 (which ccxt's own transaction parsing cannot place) and staking rewards. Times are
 * recent: withdrawal-requests only looks back 50 000 000 s.
 */
export function bitstampFixture(now = Date.now(), tradeCount = 1100): ExchangeFixture {
  const t0 = now - 40 * 86_400_000;
  return {
    balances: [
      { asset: 'BTC', free: '0.5', used: '0.1' },
      { asset: 'USD', free: '1234.5' },
      { asset: 'ETH', free: '2.25' },
    ],
    trades: Array.from({ length: tradeCount }, (_, i) => ({
      id: String(300_000_000 + i),
      orderId: String(1_600_000_000_000 + i),
      base: 'BTC',
      quote: 'USD',
      side: i % 2 === 0 ? ('buy' as const) : ('sell' as const),
      amount: '0.01',
      price: '40000',
      cost: '400',
      fee: { asset: 'USD', amount: '1.2' },
      timestamp: t0 + i * 60_000 + 123,
    })),
    deposits: [
      { id: '290000001', asset: 'BTC', amount: '0.75', timestamp: t0 - 86_400_000, status: 'ok' },
      { id: '290000002', asset: 'USD', amount: '2500', timestamp: t0 - 3_600_000, status: 'ok' },
    ],
    withdrawals: [
      {
        id: '7001',
        asset: 'ETH',
        amount: '0.4',
        fee: '0.005',
        txid: '0x9a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9',
        address: '0x4aB1c9D2e3F405162738495a6B7c8D9e0F1a2B3c',
        timestamp: t0 + 2 * 86_400_000,
        status: 'ok',
      },
      {
        id: '7002',
        asset: 'BTC',
        amount: '0.02',
        fee: '0.0001',
        address: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq',
        timestamp: t0 + 3 * 86_400_000,
        status: 'pending',
      },
    ],
    rewards: [{ id: '290000003', asset: 'ETH', amount: '0.00123456', kind: 'staking', timestamp: t0 + 86_400_000 }],
    conversions: [],
  };
}
