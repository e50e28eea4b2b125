import {
  appendTransactionMessageInstruction,
  createSolanaRpc,
  createTransactionMessage,
  isSolanaError,
  pipe,
  setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash,
  signature,
  signTransactionMessageWithSigners,
  type Blockhash,
} from '@solana/kit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SourceError } from '../../../src/portfolio/errors.ts';
import type { NormalizedTransaction } from '../../../src/portfolio/ledger/normalized.ts';
import { solanaSource } from '../../../src/portfolio/sources/solana/solana-source.ts';
import { SolanaRpcServer } from '../support/solana/solana-rpc-server.ts';
import { SOL, solanaScenario, type SolanaScenario } from '../support/solana/solana-scenario.ts';
import { sendTransaction, systemTransfer, tokenTransferChecked } from '../support/solana/solana-test-wallet.ts';
import { TOKEN_PROGRAM } from '../support/solana/programs.ts';

describe('Solana source through @solana/kit against the JSON-RPC stand-in', () => {
  let world: SolanaScenario;
  let node: SolanaRpcServer;
  const source = (signaturesPerPage = 2) =>
    solanaSource({ rpcUrl: node.url, address: world.owner.address, signaturesPerPage, timeoutMs: 5000, now: () => 0 });

  /** Runs history steps from `cursor` until done; every step's cursor is kept. */
  async function readAll(cursor: string | null, adapter = source()) {
    const items: NormalizedTransaction[] = [];
    const cursors: string[] = [];
    for (;;) {
      const batch = await adapter.fetchTransactions(cursor);
      items.push(...batch.items);
      cursors.push((cursor = batch.nextCursor!));
      if (batch.done) return { items, cursors };
    }
  }

  beforeAll(async () => {
    world = await solanaScenario();
    node = new SolanaRpcServer(world.bank);
    await node.start();
  });
  afterAll(() => node.close());
  beforeEach(() => {
    node.state = 'up';
    node.failing.clear();
    node.calls.length = 0;
  });

  it('serves what a node serves: v0 only to clients that accept it, lookup-table keys, a failed transaction with its fee', async () => {
    const rpc = createSolanaRpc(node.url);
    const v0 = signature(world.sig.t3);
    const refused = await rpc
      .getTransaction(v0, { encoding: 'jsonParsed' })
      .send()
      .catch((e: unknown) => e);
    expect(isSolanaError(refused) && refused.context.__code).toBe(-32015);
    const tx = await rpc.getTransaction(v0, { encoding: 'jsonParsed', maxSupportedTransactionVersion: 0 }).send();
    expect(tx?.version).toBe(0);
    expect(tx?.transaction.message.accountKeys.map((k) => [k.pubkey, k.source])).toContainEqual([
      world.shop.address,
      'lookupTable',
    ]);
    const failed = await rpc
      .getTransaction(signature(world.sig.t5), { encoding: 'jsonParsed', maxSupportedTransactionVersion: 0 })
      .send();
    // kit reads every JSON integer outside its known numeric fields as a bigint
    expect(failed?.meta?.err).toEqual({ InstructionError: [0n, { Custom: 1n }] });
    expect(failed!.meta!.preBalances[0]! - failed!.meta!.postBalances[0]!).toBe(5000n);
    // The fee is taken before the instructions run.
    expect(failed?.meta?.logMessages).toContain(
      `Transfer: insufficient lamports ${6_499_985_000n}, need ${100n * SOL}`,
    );
    const legacy = await rpc
      .getTransaction(signature(world.sig.t1), { encoding: 'jsonParsed', maxSupportedTransactionVersion: 0 })
      .send();
    expect(legacy?.version).toBe('legacy');
  });

  it('refuses a transaction whose signature does not verify', async () => {
    const bank = world.bank;
    const before = bank.transactions.length;
    const message = await signTransactionMessageWithSigners(
      pipe(
        createTransactionMessage({ version: 'legacy' }),
        (m) => setTransactionMessageFeePayerSigner(world.friend, m),
        (m) =>
          setTransactionMessageLifetimeUsingBlockhash(
            { blockhash: bank.blockhash as Blockhash, lastValidBlockHeight: 1n },
            m,
          ),
        (m) => appendTransactionMessageInstruction(systemTransfer(world.friend, world.owner.address, 1n), m),
      ),
    );
    // One bit of the lamports changed after signing: the friend's signature no longer covers the message.
    const tampered = {
      ...message,
      messageBytes: Uint8Array.from(message.messageBytes).map((b, i) =>
        i === message.messageBytes.length - 1 ? b ^ 1 : b,
      ),
    };
    await expect(bank.submit(tampered as never)).rejects.toThrow(/signature verification failed/);
    expect(bank.transactions).toHaveLength(before);
  });

  it('reads SOL, SPL and Token-2022 balances with symbols from the mint, Metaplex, or the address', async () => {
    const balances = (await source().fetchBalances())!;
    const bySymbol = Object.fromEntries(balances.map((b) => [b.asset.symbol, b]));
    expect(Object.keys(bySymbol).sort()).toEqual(
      ['GOLDX', 'MEOW', 'SOL', 'USDC', `${world.mints.plain.slice(0, 4)}…${world.mints.plain.slice(-4)}`].sort(),
    );
    expect(bySymbol.SOL).toMatchObject({
      quantity: 6_499_985_000n,
      asset: { priceKey: 'coin:solana', groupKey: 'coin:solana' },
    });
    expect(bySymbol.USDC).toMatchObject({
      quantity: 250_000_000n,
      asset: {
        namespace: 'solana',
        reference: world.mints.usdc,
        decimals: 6,
        priceKey: 'coin:usd-coin',
        groupKey: 'coin:usd-coin',
      },
    });
    expect(bySymbol.MEOW).toMatchObject({ quantity: 499_900_000_000n, asset: { name: 'Meow Coin', decimals: 5 } });
    expect(bySymbol.GOLDX).toMatchObject({
      quantity: 3n * SOL,
      asset: { name: 'Gold Bar', decimals: 9, priceKey: `token:solana:${world.mints.gold}` },
    });
    expect(node.callsOf('getTokenAccountsByOwner')).toHaveLength(2); // SPL and Token-2022
    expect(node.callsOf('getMultipleAccounts')).toHaveLength(2); // the mints, then Metaplex for those unnamed
  });

  it('pages back through the wallet and each token account, and names each transaction from the wallet side', async () => {
    const { items, cursors } = await readAll(null);
    expect(cursors.length).toBeGreaterThan(3);
    const byHash = new Map(items.map((t) => [t.txHash, t]));
    const { sig, owner, friend, shop } = world;
    expect([...byHash.keys()].sort()).toEqual(Object.values(sig).sort());
    expect(items).toHaveLength(6); // t4 is on the wallet and on its MEOW account, read once
    expect(byHash.get(sig.t1)).toMatchObject({
      status: 'confirmed',
      inputs: [{ quantity: 2n * SOL, address: owner.address, counterparty: friend.address }],
      outputs: [],
      fees: [],
    });
    expect(byHash.get(sig.t2)!.inputs).toEqual([
      expect.objectContaining({
        quantity: 250_000_000n,
        counterparty: friend.address,
        asset: expect.objectContaining({ symbol: 'USDC' }),
      }),
    ]);
    expect(byHash.get(sig.t3)).toMatchObject({
      outputs: [{ quantity: SOL / 2n, counterparty: shop.address }],
      fees: [{ quantity: 5000n, kind: 'network' }],
    });
    expect(byHash.get(sig.t4)).toMatchObject({
      outputs: [{ quantity: 100_000_000n, counterparty: friend.address, asset: { symbol: 'MEOW' } }],
      fees: [{ quantity: 5000n }],
    });
    expect(byHash.get(sig.t5)).toMatchObject({
      status: 'failed',
      category: 'fee',
      inputs: [],
      outputs: [],
      fees: [{ quantity: 5000n }],
    });
    expect(byHash.get(sig.t6)!.inputs).toEqual([
      expect.objectContaining({ quantity: 3n * SOL, asset: expect.objectContaining({ symbol: 'GOLDX' }) }),
    ]);
    const t1 = world.bank.transactions.find((t) => t.signature === sig.t1)!;
    expect(byHash.get(sig.t1)!.timestamp).toBe(t1.blockTime * 1000);
  });

  it('resumes a pass from a saved page and reads only what is newer on the next sync', async () => {
    const first = await readAll(null);
    const resumed = await readAll(first.cursors[0]!);
    expect(resumed.items.map((t) => t.txHash)).not.toContain(world.sig.t5); // the first page is not read again
    expect(new Set([...first.items, ...resumed.items].map((t) => t.txHash)).size).toBe(6);

    const { bank, friend, owner, friendAccounts, ownerAccounts, mints } = world;
    const t7 = await sendTransaction(bank, friend, [systemTransfer(friend, owner.address, SOL)], { version: 'legacy' });
    const t8 = await sendTransaction(
      bank,
      friend,
      [tokenTransferChecked(TOKEN_PROGRAM, friendAccounts.usdc, mints.usdc, ownerAccounts.usdc, friend, 5_000_000n, 6)],
      { version: 0 },
    );
    node.calls.length = 0;
    const next = await readAll(first.cursors.at(-1)!);
    expect(next.items.map((t) => t.txHash).sort()).toEqual([t7, t8].sort());
    expect(node.callsOf('getTransaction').sort()).toEqual([t7, t8].sort());
    expect(node.calls.filter((c) => c.method === 'getSignaturesForAddress')).toHaveLength(5); // wallet + 4 token accounts
  });

  it('turns a rate limit, a JSON-RPC error and a dead node into SourceErrors', async () => {
    node.state = 'rate-limited';
    await expect(source().fetchBalances()).rejects.toMatchObject({
      kind: 'unavailable',
      message: expect.stringMatching(/HTTP 429/),
    });
    node.state = 'up';
    node.failing.set('getTransaction', {
      code: -32011,
      message: 'Transaction history is not available from this node',
    });
    const error = await source()
      .fetchTransactions(null)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect(error).toMatchObject({ kind: 'unavailable', message: expect.stringMatching(/-32011/) });
    node.failing.set('getSlot', { code: -32602, message: 'Invalid params' });
    await expect(source().validate()).rejects.toMatchObject({ kind: 'invalid' });
    node.state = 'down';
    await expect(source().validate()).rejects.toMatchObject({
      kind: 'unavailable',
      message: expect.stringMatching(/unreachable/),
    });
  });
});
