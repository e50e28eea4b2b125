import { describe, expect, it } from 'vitest';
import {
  bitstampTime,
  bitstampTransactions,
  classifyBitstampRow,
} from '../../../src/portfolio/sources/exchange/exchanges/bitstamp-transactions.ts';

describe('Bitstamp user_transactions rows', () => {
  it.each([
    ['0', 'deposit'],
    ['1', 'skip'],
    ['2', 'skip'],
    ['14', 'skip'],
    ['25', 'skip'],
    ['26', 'skip'],
    ['27', 'staking_reward'],
    ['32', 'airdrop'],
    ['35', 'skip'],
    ['99', 'other'],
  ])('type %s → %s', (type, category) => {
    expect(classifyBitstampRow({ type })).toBe(category);
  });

  it('reads UTC datetimes with and without microseconds', () => {
    expect(bitstampTime('2024-01-02 03:04:05.678000')).toBe(Date.UTC(2024, 0, 2, 3, 4, 5, 678));
    expect(bitstampTime('2024-01-02 03:04:05')).toBe(Date.UTC(2024, 0, 2, 3, 4, 5));
    expect(() => bitstampTime('yesterday')).toThrow();
  });

  it('takes the moved currency from the non-zero amount, keeps a fee, ignores rate keys', () => {
    const [referral] = bitstampTransactions([
      {
        id: 9,
        datetime: '2024-01-02 03:04:05',
        type: '32',
        fee: '0.10',
        usd: '12.50',
        eur: 0.0,
        btc: '0.00000000',
        btc_usd: '0.00',
      },
    ]);
    expect(referral).toMatchObject({ externalId: 'user-transactions:9', category: 'airdrop', outputs: [] });
    expect(referral?.inputs.map((l) => [l.asset.symbol, l.quantity])).toEqual([['USD', 1250n]]);
    expect(referral?.fees.map((f) => f.quantity)).toEqual([10n]);
  });

  it('refuses an amount that is not a decimal rather than reading it as zero', () => {
    expect(() => bitstampTransactions([{ id: 1, datetime: '2024-01-02 03:04:05', type: '0', usd: 'n/a' }])).toThrow();
  });
});
