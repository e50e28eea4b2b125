import type { ExchangeFixture } from './exchange-stand-in.ts';

const DAY = 86_400_000;
/** Noon UTC `days` days ago: the account is recent, so that exchanges with short history windows need few calls. */
const daysAgo = (days: number) => Math.floor(Date.now() / DAY) * DAY - days * DAY + DAY / 2;

/** A history start (PORTFOLIO_EXCHANGE_HISTORY_START) a little before the sample account's first record. */
export function sampleHistoryStart(): string {
  return new Date(daysAgo(130)).toISOString().slice(0, 10);
}

/**
 * One person's account in exchange-neutral terms: what every stand-in serves in the shared suite,
 * and what the Platform API must answer back, amount for amount.
 */
export function sampleAccount(options: {
  rewards: boolean;
  conversions: boolean;
  buyFee: 'base' | 'quote';
}): ExchangeFixture {
  return {
    balances: [
      { asset: 'BTC', free: '0.7', used: '0.05' },
      { asset: 'USDT', free: '1500.5' },
      { asset: 'ETH', free: '2', wallet: 'funding' },
    ],
    deposits: [
      {
        id: 'dep-1',
        asset: 'BTC',
        amount: '0.4',
        network: 'BTC',
        txid: 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90',
        address: 'bc1qexampleaddress0000000000000000000000',
        timestamp: daysAgo(120),
        status: 'ok',
      },
      {
        id: 'dep-2',
        asset: 'USDT',
        amount: '20000',
        network: 'TRC20',
        txid: 'f00dbabe00000000000000000000000000000000000000000000000000000001',
        timestamp: daysAgo(119),
        status: 'ok',
      },
    ],
    trades: [
      {
        id: '1001',
        orderId: '9001',
        base: 'BTC',
        quote: 'USDT',
        side: 'buy',
        amount: '0.5',
        price: '30000',
        cost: '15000',
        fee: options.buyFee === 'base' ? { asset: 'BTC', amount: '0.0005' } : { asset: 'USDT', amount: '15' },
        timestamp: daysAgo(100),
      },
      {
        id: '1002',
        orderId: '9002',
        base: 'BTC',
        quote: 'USDT',
        side: 'sell',
        amount: '0.1',
        price: '35000',
        cost: '3500',
        fee: { asset: 'USDT', amount: '3.5' },
        timestamp: daysAgo(90),
      },
    ],
    withdrawals: [
      {
        id: 'wd-1',
        asset: 'ETH',
        amount: '1',
        fee: '0.002',
        network: 'ETH',
        txid: '0x5f5e5d5c5b5a59585756555453525150494847464544434241403938373635',
        address: '0x1111111111111111111111111111111111111111',
        timestamp: daysAgo(80),
        status: 'ok',
      },
    ],
    rewards: options.rewards
      ? [{ id: 'rw-1', asset: 'ETH', amount: '0.01', kind: 'staking', timestamp: daysAgo(60) }]
      : [],
    conversions: options.conversions
      ? [
          {
            id: 'cv-1',
            from: { asset: 'USDT', amount: '100' },
            to: { asset: 'ETH', amount: '0.05' },
            timestamp: daysAgo(40),
          },
        ]
      : [],
  };
}
