import type { ExchangeFixture } from './exchange-stand-in.ts';

const DAY = 86_400_000;

/**
 * A Binance account for the stand-in suites, dated relative to `now`: two wallets, 2,345 BTC/USDT
 * fills three to a millisecond (so 1,000-trade pages split a millisecond), one ETH/BTC trade,
 * deposits and withdrawals spread over a year on four networks, two dividends and a dust sweep.
 */
/** BTC/USDT fills three to a millisecond (one order against three makers), so pages split a millisecond. */
function btcFills(now: number, count: number): ExchangeFixture['trades'] {
  const start = now - 300 * DAY;
  return Array.from({ length: count }, (_, i) => ({
    id: String(5_000_000 + i),
    orderId: String(900_000 + Math.floor(i / 3)),
    base: 'BTC',
    quote: 'USDT',
    side: i % 2 === 0 ? ('buy' as const) : ('sell' as const),
    amount: `0.00${(i % 9) + 1}`,
    price: `${60000 + (i % 100)}.5`,
    cost: (Number(`0.00${(i % 9) + 1}`) * (60000 + (i % 100) + 0.5)).toFixed(6),
    fee: { asset: 'BNB', amount: '0.0000125' },
    timestamp: start + Math.floor(i / 3) * 60_000,
  }));
}

export function accountFixture(now = Date.now()): ExchangeFixture {
  return {
    balances: [
      { asset: 'BTC', free: '0.5', used: '0.1' },
      { asset: 'ETH', free: '2.25' },
      { asset: 'USDT', free: '1000', wallet: 'funding' },
      { asset: 'BNB', free: '0.3', used: '0.05', wallet: 'funding' },
    ],
    trades: [
      ...btcFills(now, 2345),
      {
        id: '77',
        orderId: '7001',
        base: 'ETH',
        quote: 'BTC',
        side: 'sell',
        amount: '1.5',
        price: '0.052',
        cost: '0.078',
        fee: { asset: 'BTC', amount: '0.000078' },
        timestamp: now - 20 * DAY,
      },
    ],
    deposits: [
      {
        id: '769800519366885376',
        asset: 'USDT',
        amount: '1000',
        network: 'ETH',
        txid: '0x98a3ea560c6b3336d348b6c83f0f95ece4f1f5919e94bd006e5bf3bf264facfc',
        address: '0xc9c923c87347ca0f3451d6d308ce84f691b9f501',
        timestamp: now - 250 * DAY,
        status: 'ok',
      },
      {
        id: '769800519366885377',
        asset: 'BTC',
        amount: '0.75',
        network: 'BTC',
        txid: 'ab12',
        address: 'bc1qxy',
        timestamp: now - 100 * DAY,
        status: 'ok',
      },
      {
        id: '769800519366885378',
        asset: 'USDT',
        amount: '50',
        network: 'BSC',
        txid: '0xfeed',
        address: '0xabc',
        timestamp: now - 10 * DAY,
        status: 'pending',
      },
      {
        id: '769800519366885379',
        asset: 'USDT',
        amount: '5',
        network: 'TRX',
        txid: 'tron1',
        address: 'TYDm',
        timestamp: now - 5 * DAY,
        status: 'failed',
      },
    ],
    withdrawals: [
      {
        id: '69e53ad305124b96b43668ceab158a18',
        asset: 'BTC',
        amount: '0.1',
        fee: '0.0002',
        network: 'BTC',
        txid: 'c0ffee',
        address: 'bc1qwithdraw',
        timestamp: now - 120 * DAY + 456,
        status: 'ok',
      },
      {
        id: '9a67628b16ba4988ae20d329333f16bc',
        asset: 'USDT',
        amount: '20',
        fee: '1',
        network: 'TRX',
        txid: 'tx2',
        address: 'TX',
        timestamp: now - 2 * DAY,
        status: 'pending',
      },
    ],
    rewards: [
      { id: '242006910', asset: 'ETH', amount: '0.00123456', kind: 'staking', timestamp: now - 40 * DAY },
      { id: '242006911', asset: 'USDT', amount: '0.5', kind: 'interest', timestamp: now - 39 * DAY },
    ],
    conversions: [
      {
        id: '45178372831',
        from: { asset: 'DOGE', amount: '3.2' },
        to: { asset: 'BNB', amount: '0.00123' },
        timestamp: now - 30 * DAY,
      },
    ],
  };
}
