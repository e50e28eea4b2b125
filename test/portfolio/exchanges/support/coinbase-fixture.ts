import type { ExchangeFixture } from './exchange-stand-in.ts';

export const T0 = Date.UTC(2024, 2, 1);
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** One Coinbase account touching every record kind: fills on three markets, crypto and fiat transfers, rewards, a conversion. */
export function coinbaseFixture(): ExchangeFixture {
  return {
    balances: [
      { asset: 'BTC', free: '0.5', used: '0.1' },
      { asset: 'ETH', free: '2.25' },
      { asset: 'USD', free: '1000.5' },
      { asset: 'USDC', free: '250' },
      { asset: 'SOL', free: '10' },
    ],
    trades: [
      trade('t1', 'BTC', 'USD', 'buy', '0.01', '50000', '500', '3', T0 + HOUR),
      trade('t2', 'ETH', 'USD', 'sell', '0.5', '3000', '1500', '9', T0 + 2 * HOUR),
      trade('t3', 'ETH', 'BTC', 'buy', '1', '0.05', '0.05', '0.0003', T0 + 3 * HOUR),
      trade('t4', 'BTC', 'USD', 'sell', '0.002', '52000', '104', '0.624', T0 + 4 * HOUR),
      trade('t5', 'SOL', 'USD', 'buy', '10', '150', '1500', '9', T0 + 5 * HOUR),
    ],
    deposits: [
      {
        id: 'd1',
        asset: 'BTC',
        amount: '0.25',
        network: 'bitcoin',
        txid: 'btc-hash-1',
        address: 'bc1qownaddress',
        timestamp: T0 - DAY,
        status: 'ok',
      },
      { id: 'd2', asset: 'USD', amount: '1000', timestamp: T0 - 2 * DAY, status: 'ok' },
      {
        id: 'd3',
        asset: 'ETH',
        amount: '1',
        network: 'ethereum',
        txid: '0xeth-hash-3',
        timestamp: T0 - 3 * DAY,
        status: 'pending',
      },
    ],
    withdrawals: [
      {
        id: 'w1',
        asset: 'ETH',
        amount: '0.5',
        fee: '0.001',
        network: 'ethereum',
        txid: '0xeth-hash-w1',
        address: '0xabc0000000000000000000000000000000000def',
        timestamp: T0 + DAY,
        status: 'ok',
      },
      { id: 'w2', asset: 'EUR', amount: '200', fee: '0.15', timestamp: T0 + 2 * DAY, status: 'ok' },
    ],
    rewards: [
      { id: 'r1', asset: 'ETH', amount: '0.0012', kind: 'staking', timestamp: T0 + 6 * HOUR },
      { id: 'r2', asset: 'USDC', amount: '0.35', kind: 'interest', timestamp: T0 + 7 * HOUR },
    ],
    conversions: [
      {
        id: 'c1',
        from: { asset: 'USDC', amount: '100' },
        to: { asset: 'ETH', amount: '0.033' },
        timestamp: T0 + 8 * HOUR,
      },
    ],
  };
}

function trade(
  id: string,
  base: string,
  quote: string,
  side: 'buy' | 'sell',
  amount: string,
  price: string,
  cost: string,
  fee: string,
  timestamp: number,
): ExchangeFixture['trades'][number] {
  return {
    id,
    orderId: `o-${id}`,
    base,
    quote,
    side,
    amount,
    price,
    cost,
    fee: { asset: quote, amount: fee },
    timestamp,
  };
}
