import { describe, expect, it } from 'vitest';
import {
  classifyKrakenEntry,
  krakenLedgerTransactions,
  krakenSymbol,
  type KrakenLedgerRow,
} from '../../../src/portfolio/sources/exchange/exchanges/kraken-ledger-entries.ts';

function row(
  fields: Partial<KrakenLedgerRow> & Pick<KrakenLedgerRow, 'id' | 'type' | 'code' | 'amount'>,
): KrakenLedgerRow {
  return { refid: fields.id, timestamp: 1_700_000_000_000, subtype: '', fee: '0', ...fields };
}

describe('Kraken ledger classification', () => {
  it.each([
    ['trade', '', '1', 'skip'],
    ['deposit', '', '1', 'skip'],
    ['withdrawal', '', '-1', 'skip'],
    ['transfer', 'spottostaking', '-1', 'skip'],
    ['earn', 'allocation', '-1', 'skip'],
    ['earn', 'autoallocation', '1', 'skip'],
    ['earn', 'reward', '1', 'staking_reward'],
    ['staking', '', '1', 'staking_reward'],
    ['staking', '', '-1', 'other'],
    ['dividend', '', '1', 'interest'],
    ['spend', '', '-1', 'conversion'],
    ['receive', '', '1', 'conversion'],
    ['rollover', '', '-1', 'other'],
  ])('%s/%s (%s) → %s', (type, subtype, amount, expected) => {
    expect(classifyKrakenEntry({ type, subtype, amount })).toBe(expected);
  });

  it.each([
    ['DOT.S', 'DOT'],
    ['DOT28.S', 'DOT'],
    ['BTC.M', 'BTC'],
    ['USDC.F', 'USDC'],
    ['ETH2.S', 'ETH'],
    ['ETH2', 'ETH'],
    ['BTC', 'BTC'],
    ['1INCH', '1INCH'],
  ])('the symbol of %s is %s', (code, symbol) => {
    expect(krakenSymbol(code)).toBe(symbol);
  });

  it('pairs spend and receive by refid into one trade, keeps fees, drops digits below the unit', () => {
    const transactions = krakenLedgerTransactions([
      row({ id: 'L1', refid: 'R1', type: 'spend', code: 'EUR', amount: '-50.0000', fee: '0.7500' }),
      row({
        id: 'L2',
        refid: 'R1',
        type: 'receive',
        code: 'BTC',
        amount: '0.0012345678',
        timestamp: 1_700_000_000_001,
      }),
      row({ id: 'L3', type: 'staking', code: 'BTC.M', amount: '0.0000000099' }),
    ]);
    // The 0.99-satoshi reward moves nothing at BTC's 8 decimals.
    expect(transactions).toHaveLength(1);
    const conversion = transactions.find((t) => t.externalId === 'ledger:R1')!;
    expect(conversion.category).toBe('trade');
    expect(conversion.timestamp).toBe(1_700_000_000_000);
    expect(conversion.outputs.map((l) => [l.asset.symbol, l.quantity])).toEqual([['EUR', 5000n]]);
    expect(conversion.inputs.map((l) => [l.asset.symbol, l.quantity])).toEqual([['BTC', 123456n]]);
    expect(conversion.fees).toEqual([{ asset: conversion.outputs[0]!.asset, quantity: 75n, kind: 'exchange' }]);
  });

  it('keeps a lone conversion half under its refid, so the whole pair replaces it later', () => {
    const [half] = krakenLedgerTransactions([
      row({ id: 'L9', refid: 'R9', type: 'receive', code: 'SOL', amount: '2' }),
    ]);
    expect(half).toMatchObject({ externalId: 'ledger:R9', category: 'trade', outputs: [] });
    expect(half?.inputs).toHaveLength(1);
  });

  it('refuses an amount that is not a decimal rather than reading it as zero', () => {
    expect(() => krakenLedgerTransactions([row({ id: 'L1', type: 'dividend', code: 'USD', amount: 'NaN' })])).toThrow();
  });
});
