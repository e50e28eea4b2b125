import type { ExchangeFixture } from './exchange-stand-in.ts';

const T0 = Date.UTC(2024, 0, 2, 3, 4, 5, 678);

/**
 * A Kraken account with more trades and ledger entries than one page holds (50), staked and
 * Earn balances, rewards, interest and a Buy-Crypto conversion. Trade fees are in the quote
 * asset, as Kraken charges them; funding times are whole seconds, as Kraken reports them.
 */
export function krakenFixture(tradeCount = 120): ExchangeFixture {
  return {
    balances: [
      { asset: 'BTC', free: '0.5', used: '0.1' },
      { asset: 'USD', free: '1234.5' },
      { asset: 'DOT', free: '10.25', wallet: 'staking' },
      { asset: 'ETH', free: '2', wallet: 'earn' },
    ],
    trades: Array.from({ length: tradeCount }, (_, i) => {
      const ethBtc = i % 3 === 2;
      return {
        id: `T${String(i).padStart(5, '0')}-KRAKN-TRADE1`,
        orderId: `O${String(i).padStart(5, '0')}-KRAKN-ORDER1`,
        base: ethBtc ? 'ETH' : 'BTC',
        quote: ethBtc ? 'BTC' : 'USD',
        side: i % 2 === 0 ? 'buy' : 'sell',
        amount: ethBtc ? '0.5' : String((i + 1) / 100),
        price: ethBtc ? '0.05' : '40000',
        cost: ethBtc ? '0.025' : String(400 * (i + 1)),
        fee: ethBtc ? { asset: 'BTC', amount: '0.00004' } : { asset: 'USD', amount: '1.04' },
        timestamp: T0 + i * 3_600_123,
      } as const;
    }),
    deposits: [
      {
        id: 'FTQcuak-V6Za8qrWnhzTx67yYHz8Tg',
        asset: 'BTC',
        amount: '0.75',
        network: 'BTC',
        txid: 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9',
        address: 'bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh',
        timestamp: T0 - 86_400_000,
        status: 'ok',
      },
      {
        id: 'FTQcuak-PENDING-DEPOSIT-1',
        asset: 'ETH',
        amount: '1.5',
        network: 'ERC20',
        txid: '0x5f3c9a57dd0e6c0f9a3a6a1f7b1fa6d1e2b3c4d5e6f708192a3b4c5d6e7f8091',
        address: '0x4aB1c9D2e3F405162738495a6B7c8D9e0F1a2B3c',
        timestamp: T0 + 30 * 86_400_000,
        status: 'pending',
      },
    ],
    withdrawals: [
      {
        id: 'AGBSO6T-UFMTTQ-I7KGS6',
        asset: 'USDT',
        amount: '996.5',
        fee: '3.5',
        network: 'TRC20',
        txid: '1c7a642fb7387bbc2c6a2c509fd1ae146937f4cf793b4079a4f0715e3a02615a',
        address: 'TQmdxSuC16EhFg8FZWtYgrfFRosoRF7bCp',
        timestamp: T0 + 2 * 86_400_000,
        status: 'ok',
      },
      {
        id: 'AGBSO6T-FAILED-WITHDRAW',
        asset: 'BTC',
        amount: '0.01',
        fee: '0.0001',
        network: 'BTC',
        address: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq',
        timestamp: T0 + 3 * 86_400_000,
        status: 'failed',
      },
    ],
    rewards: [
      { id: 'L4UESK-KG3EQ-UFO4T5', asset: 'DOT', amount: '0.0123456789', kind: 'staking', timestamp: T0 + 5_000 },
      { id: 'LQHR3F-IXYV2-2QSDXZ', asset: 'USDC', amount: '0.42', kind: 'interest', timestamp: T0 + 7 * 86_400_000 },
    ],
    conversions: [
      {
        id: 'TSJTGT-DT7WN-GPPQMJ',
        from: { asset: 'USD', amount: '100' },
        to: { asset: 'SOL', amount: '0.6543210987' },
        timestamp: T0 + 9 * 86_400_000 + 321,
      },
    ],
  };
}
