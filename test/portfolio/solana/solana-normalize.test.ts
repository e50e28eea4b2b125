import { describe, expect, it } from 'vitest';
import {
  normalizeSolanaTransaction,
  type SolanaTransactionView,
} from '../../../src/portfolio/sources/solana/solana-normalize.ts';

const OWNER = 'GmaDrppBC7P5ARKV8g3djiwP89vz1jLK23V2GBjuAEGB';
const POOL = 'Pool111111111111111111111111111111111111111';
const ALICE = 'A1ice11111111111111111111111111111111111111';
const BOB = 'Bob1111111111111111111111111111111111111111';
const USDC = 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v';
const WSOL = 'So11111111111111111111111111111111111111112';

function view(overrides: Partial<SolanaTransactionView>): SolanaTransactionView {
  return {
    signature: 'sig',
    blockTime: 1_700_000_000,
    accountKeys: [OWNER],
    fee: 5000n,
    failed: false,
    preBalances: [],
    postBalances: [],
    preTokenBalances: [],
    postTokenBalances: [],
    ...overrides,
  };
}

const usdc = (accountIndex: number, owner: string, amount: bigint) => ({
  accountIndex,
  mint: USDC,
  owner,
  amount,
  decimals: 6,
});

describe('a Solana transaction from the wallet side', () => {
  it('calls SOL out and USDC in a trade, the pool its counterparty on both legs', () => {
    const tx = normalizeSolanaTransaction(
      view({
        accountKeys: [OWNER, POOL, 'ownerUsdc', 'poolUsdc'],
        preBalances: [2_000_005_000n, 10n, 1n, 1n],
        postBalances: [1_000_000_000n, 1_000_000_010n, 1n, 1n],
        preTokenBalances: [usdc(2, OWNER, 0n), usdc(3, POOL, 500_000_000n)],
        postTokenBalances: [usdc(2, OWNER, 150_000_000n), usdc(3, POOL, 350_000_000n)],
      }),
      OWNER,
      new Map(),
      0,
    );
    expect(tx.category).toBe('trade');
    expect(tx.outputs).toEqual([expect.objectContaining({ quantity: 1_000_000_000n, counterparty: POOL })]);
    expect(tx.inputs).toEqual([
      expect.objectContaining({
        quantity: 150_000_000n,
        counterparty: POOL,
        asset: expect.objectContaining({ symbol: 'USDC' }),
      }),
    ]);
    expect(tx.fees).toEqual([expect.objectContaining({ quantity: 5000n })]);
    expect(tx.timestamp).toBe(1_700_000_000_000);
  });

  it('names no counterparty when two accounts received, and charges no fee to a wallet that did not pay it', () => {
    const split = normalizeSolanaTransaction(
      view({
        accountKeys: [OWNER, ALICE, BOB],
        preBalances: [30_005_000n, 0n, 0n],
        postBalances: [0n, 10_000_000n, 20_000_000n],
      }),
      OWNER,
      new Map(),
      0,
    );
    expect(split.outputs).toEqual([
      { asset: expect.objectContaining({ symbol: 'SOL' }), quantity: 30_000_000n, address: OWNER },
    ]);
    const received = normalizeSolanaTransaction(
      view({ accountKeys: [ALICE, OWNER], preBalances: [10_005_000n, 0n], postBalances: [0n, 10_000_000n] }),
      OWNER,
      new Map(),
      0,
    );
    expect(received).toMatchObject({ fees: [], inputs: [{ quantity: 10_000_000n, counterparty: ALICE }] });
  });

  it('sees nothing moved between the wallet’s own token accounts, and nothing at all in a stranger’s transaction', () => {
    const own = normalizeSolanaTransaction(
      view({
        accountKeys: [OWNER, 'a', 'b'],
        preBalances: [5000n, 1n, 1n],
        postBalances: [0n, 1n, 1n],
        preTokenBalances: [usdc(1, OWNER, 5n), usdc(2, OWNER, 0n)],
        postTokenBalances: [usdc(1, OWNER, 0n), usdc(2, OWNER, 5n)],
      }),
      OWNER,
      new Map(),
      0,
    );
    expect(own).toMatchObject({ category: 'fee', inputs: [], outputs: [], fees: [{ quantity: 5000n }] });
    const touched = normalizeSolanaTransaction(
      view({ accountKeys: [ALICE, OWNER], preBalances: [5000n, 7n], postBalances: [0n, 7n] }),
      OWNER,
      new Map(),
      0,
    );
    expect(touched).toMatchObject({ category: 'other', inputs: [], outputs: [], fees: [] });
  });

  it('counts wrapped SOL as SOL’s position, and uses the mint metadata it is given', () => {
    const tx = normalizeSolanaTransaction(
      view({
        accountKeys: [ALICE, 'w'],
        preBalances: [5000n, 0n],
        postBalances: [0n, 0n],
        postTokenBalances: [{ accountIndex: 1, mint: WSOL, owner: OWNER, amount: 7n, decimals: 9 }],
      }),
      OWNER,
      new Map([[WSOL, { decimals: 9, symbol: 'IGNORED' }]]),
      0,
    );
    expect(tx.inputs[0]!.asset).toMatchObject({ symbol: 'wSOL', groupKey: 'coin:solana', priceKey: 'coin:solana' });
  });
});
