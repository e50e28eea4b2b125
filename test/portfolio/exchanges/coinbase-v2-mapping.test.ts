import { describe, expect, it } from 'vitest';
import { exchangeAsset } from '../../../src/portfolio/assets/known-assets.ts';
import { deriveType } from '../../../src/portfolio/ledger/normalized.ts';
import {
  coinbaseV2Balances,
  coinbaseV2Transaction,
  mergeCoinbaseV2Halves,
} from '../../../src/portfolio/sources/exchange/oauth/coinbase-v2.ts';

const asset = (symbol: string) => exchangeAsset('coinbase', symbol);
const account = (code: string) => ({
  id: `acct-${code}`,
  currency: { code },
  balance: { amount: '0', currency: code },
});
const at = '2024-03-01T12:00:00Z';
const when = Date.parse(at);

function tx(type: string, amount: string, currency: string, extra: Record<string, unknown> = {}) {
  return {
    id: `${type}-1`,
    type,
    status: 'completed',
    amount: { amount, currency },
    native_amount: { amount: '1.00', currency: 'USD' },
    created_at: at,
    ...extra,
  };
}

describe('coinbaseV2Transaction', () => {
  it('maps a send from a Coinbase user as a receive with its counterparty', () => {
    const mapped = coinbaseV2Transaction(
      account('BTC'),
      tx('send', '0.015', 'BTC', {
        from: { id: 'u-2', resource: 'user', email: 'friend@example.com' },
        details: { title: 'Received Bitcoin', subtitle: 'From friend' },
      }),
    )!;
    expect(mapped).toEqual({
      externalId: 'send-1',
      timestamp: when,
      status: 'confirmed',
      category: 'deposit',
      type: 'receive',
      categorizationSource: 'provider',
      description: 'Received Bitcoin — From friend',
      inputs: [{ asset: asset('BTC'), quantity: 1_500_000n, counterparty: 'friend@example.com' }],
      outputs: [],
      fees: [],
    });
    expect(deriveType(mapped)).toBe('receive');
  });

  it('maps an on-chain deposit with its hash, network and own address (sender unknown, still a receive)', () => {
    const mapped = coinbaseV2Transaction(
      account('ETH'),
      tx('send', '1.25', 'ETH', {
        status: 'pending',
        network: { status: 'pending', hash: '0xabc', network_name: 'ethereum' },
        from: { resource: 'ethereum_network', currency: 'ETH' },
        to: { resource: 'address', address: '0xmine' },
      }),
    )!;
    expect(mapped).toMatchObject({
      status: 'pending',
      txHash: '0xabc',
      chain: 'ethereum',
      inputs: [{ quantity: 1_250_000_000_000_000_000n, address: '0xmine' }],
    });
    expect(mapped.inputs[0]).not.toHaveProperty('counterparty');
    // The legs alone would say input_only; the contract calls a deposit from outside a receive.
    expect(deriveType(mapped)).toBe('input_only');
    expect(mapped.type).toBe('receive');
  });

  it('maps a send out as a withdrawal of what arrived, with the network fee apart', () => {
    const mapped = coinbaseV2Transaction(
      account('USDC'),
      tx('send', '-14.008308', 'USDC', {
        network: {
          status: 'confirmed',
          hash: '0xdef',
          network_name: 'base',
          transaction_fee: { amount: '4.008308', currency: 'USDC' },
          transaction_amount: { amount: '10.000000', currency: 'USDC' },
        },
        to: { resource: 'address', address: '0xfriend' },
      }),
    )!;
    expect(mapped).toMatchObject({
      category: 'withdrawal',
      chain: 'base',
      outputs: [{ asset: asset('USDC'), quantity: 10_000_000n, counterparty: '0xfriend' }],
      fees: [{ asset: asset('USDC'), quantity: 4_008_308n, kind: 'network' }],
    });
    expect(deriveType(mapped)).toBe('send');
    // Without transaction_amount the recipient got the amount less the fee.
    const bare = coinbaseV2Transaction(
      account('USDC'),
      tx('send', '-14.008308', 'USDC', { network: { transaction_fee: { amount: '4.008308', currency: 'USDC' } } }),
    )!;
    expect(bare.outputs[0]!.quantity).toBe(10_000_000n);
  });

  it('maps an expanded buy and sell as trades with Coinbase’s fee; an unexpanded one keeps its crypto side', () => {
    const money = (amount: string) => ({ amount, currency: 'EUR' });
    const buy = coinbaseV2Transaction(
      account('SOL'),
      tx('buy', '2', 'SOL', {
        buy: { id: 'b', total: money('301.49'), subtotal: money('299.50'), fee: money('1.99') },
      }),
    )!;
    expect(buy).toMatchObject({
      category: 'trade',
      inputs: [{ asset: asset('SOL'), quantity: 2_000_000_000n }],
      outputs: [{ asset: asset('EUR'), quantity: 29_950n }],
      fees: [{ asset: asset('EUR'), quantity: 199n, kind: 'exchange' }],
    });
    expect(deriveType(buy)).toBe('input_output');
    const sell = coinbaseV2Transaction(
      account('SOL'),
      tx('sell', '-1', 'SOL', {
        sell: { id: 's', total: money('148.01'), subtotal: money('150.00'), fee: money('1.99') },
      }),
    )!;
    expect(sell).toMatchObject({
      inputs: [{ asset: asset('EUR'), quantity: 15_000n }],
      outputs: [{ asset: asset('SOL'), quantity: 1_000_000_000n }],
    });
    const bare = coinbaseV2Transaction(account('SOL'), tx('buy', '2', 'SOL', { buy: { id: 'b', resource: 'buy' } }))!;
    expect(bare).toMatchObject({ category: 'trade', outputs: [], fees: [] });
  });

  it('keys both halves of a conversion by the trade id, and merges them into one input_output trade', () => {
    const trade = { id: 'conv-9', resource: 'trade' };
    const out = coinbaseV2Transaction(account('USDC'), { ...tx('trade', '-100', 'USDC', { trade }), id: 'half-out' })!;
    const into = coinbaseV2Transaction(account('ETH'), {
      ...tx('trade', '0.033', 'ETH', { trade, status: 'pending' }),
      id: 'half-in',
    })!;
    expect([out.externalId, into.externalId]).toEqual(['trade:conv-9', 'trade:conv-9']);
    const [merged, ...rest] = mergeCoinbaseV2Halves([out, into]);
    expect(rest).toEqual([]);
    expect(merged).toMatchObject({
      externalId: 'trade:conv-9',
      category: 'trade',
      status: 'pending',
      inputs: [{ asset: asset('ETH'), quantity: 33_000_000_000_000_000n }],
      outputs: [{ asset: asset('USDC'), quantity: 100_000_000n }],
    });
    expect(deriveType(merged!)).toBe('input_output');
  });

  it('maps rewards as one input leg: staking and inflation rewards, interest', () => {
    for (const [type, category] of [
      ['staking_reward', 'staking_reward'],
      ['inflation_reward', 'staking_reward'],
      ['interest', 'interest'],
    ]) {
      const mapped = coinbaseV2Transaction(account('ETH'), tx(type!, '0.0012', 'ETH'))!;
      expect(mapped).toMatchObject({
        category,
        inputs: [{ asset: asset('ETH'), quantity: 1_200_000_000_000_000n }],
        outputs: [],
        fees: [],
      });
      expect(deriveType(mapped)).toBe('input_only');
    }
  });

  it('charges an Advanced Trade fill’s commission to its quote account half only', () => {
    const fill = {
      advanced_trade_fill: {
        fill_price: '50000',
        product_id: 'BTC-USD',
        order_id: 'o-1',
        commission: '3',
        order_side: 'buy',
      },
    };
    const base = coinbaseV2Transaction(account('BTC'), tx('advanced_trade_fill', '0.01', 'BTC', fill))!;
    const quote = coinbaseV2Transaction(account('USD'), tx('advanced_trade_fill', '-503', 'USD', fill))!;
    expect(base).toMatchObject({ category: 'trade', inputs: [{ quantity: 1_000_000n }], fees: [] });
    expect(quote).toMatchObject({
      outputs: [{ quantity: 50_300n }],
      fees: [{ asset: asset('USD'), quantity: 300n, kind: 'exchange' }],
    });
  });

  it('maps fiat transfers, moves between own Coinbase products, and anything else as other', () => {
    expect(coinbaseV2Transaction(account('USD'), tx('fiat_deposit', '1000.00', 'USD'))).toMatchObject({
      category: 'deposit',
      inputs: [{ quantity: 100_000n }],
    });
    expect(coinbaseV2Transaction(account('EUR'), tx('fiat_withdrawal', '-200.15', 'EUR'))).toMatchObject({
      category: 'withdrawal',
      outputs: [{ quantity: 20_015n }],
    });
    expect(coinbaseV2Transaction(account('BTC'), tx('pro_withdrawal', '0.1', 'BTC'))).toMatchObject({
      category: 'transfer',
      isInternalTransfer: true,
    });
    expect(coinbaseV2Transaction(account('BTC'), tx('clawback', '-0.1', 'BTC', { status: 'canceled' }))).toMatchObject({
      category: 'other',
      categorizationSource: 'heuristic',
      status: 'failed',
      outputs: [{ quantity: 10_000_000n }],
    });
  });

  it('returns undefined for a transaction that moved nothing or is malformed', () => {
    expect(coinbaseV2Transaction(account('BTC'), tx('send', '0.00000000', 'BTC'))).toBeUndefined();
    expect(coinbaseV2Transaction(account('BTC'), { id: 'x', type: 'send', created_at: at })).toBeUndefined();
    expect(coinbaseV2Transaction(account('BTC'), 'not json')).toBeUndefined();
  });
});

describe('coinbaseV2Balances', () => {
  it('sums accounts per currency and leaves zeros out', () => {
    const accounts = [
      { id: 'a', balance: { amount: '0.5', currency: 'BTC' } },
      { id: 'vault', balance: { amount: '0.25', currency: 'BTC' } },
      { id: 'b', balance: { amount: '0.00', currency: 'USD' } },
      { id: 'c', balance: { amount: '12.34', currency: 'EUR' } },
      { id: 'broken' },
    ];
    expect(coinbaseV2Balances(accounts)).toEqual([
      { asset: asset('BTC'), quantity: 75_000_000n },
      { asset: asset('EUR'), quantity: 1234n },
    ]);
  });

  it('refuses an amount more precise than the asset allows rather than rounding it', () => {
    expect(() => coinbaseV2Balances([{ balance: { amount: '1.001', currency: 'USD' } }])).toThrow(
      /not an amount of USD/,
    );
  });
});
