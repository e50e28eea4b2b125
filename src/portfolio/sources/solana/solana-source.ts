import { address, signature as toSignature } from '@solana/kit';
import { SourceError } from '../../errors.ts';
import type { BalanceItem } from '../../ledger/normalized.ts';
import type { SourceAdapter, TransactionBatch } from '../source.ts';
import { SOL, TOKEN_2022_PROGRAM, TOKEN_PROGRAM, tokenAsset } from './solana-assets.ts';
import { nextHistoryStep, parseHistoryCursor, type HistoryCursor } from './solana-history.ts';
import { MintDirectory } from './solana-mints.ts';
import { normalizeSolanaTransaction, type SolanaTransactionView, type TokenBalanceView } from './solana-normalize.ts';
import { SolanaNode } from './solana-rpc.ts';

export interface SolanaSourceOptions {
  rpcUrl: string;
  address: string;
  signaturesPerPage: number;
  timeoutMs: number;
  now?: () => number;
}

/** getTransaction calls in flight at once: enough to hide latency, few enough for a public node. */
const TRANSACTIONS_IN_FLIGHT = 4;

interface TokenAccount {
  account: string;
  mint: string;
  amount: bigint;
  decimals: number;
}

/**
 * A Solana wallet through @solana/kit. Balances first: lamports, then every SPL and Token-2022
 * token account the wallet owns. History from getSignaturesForAddress on the wallet and on each
 * of its token accounts (an incoming token transfer names only the token account), a page of
 * signatures per step, then getTransaction (jsonParsed, v0 included) for each.
 */
export function solanaSource(options: SolanaSourceOptions): SourceAdapter & { balancesFirst: true } {
  const node = new SolanaNode(options.rpcUrl, options.timeoutMs);
  const mints = new MintDirectory(node);
  const owner = address(options.address);
  const now = options.now ?? Date.now;
  const read = new Set<string>();
  let tokenAccounts: TokenAccount[] | undefined;

  async function listTokenAccounts(): Promise<TokenAccount[]> {
    if (tokenAccounts) return tokenAccounts;
    const perProgram = await Promise.all(
      [TOKEN_PROGRAM, TOKEN_2022_PROGRAM].map((program) =>
        node.call(
          'getTokenAccountsByOwner',
          node.rpc.getTokenAccountsByOwner(owner, { programId: address(program) }, { encoding: 'jsonParsed' }),
        ),
      ),
    );
    return (tokenAccounts = perProgram.flatMap((answer) =>
      answer.value.map(({ pubkey, account }) => {
        const info = account.data.parsed.info;
        return {
          account: pubkey,
          mint: info.mint,
          amount: BigInt(info.tokenAmount.amount),
          decimals: Number(info.tokenAmount.decimals),
        };
      }),
    ));
  }

  async function readTransactions(signatures: string[]): Promise<SolanaTransactionView[]> {
    const views: SolanaTransactionView[] = [];
    for (let i = 0; i < signatures.length; i += TRANSACTIONS_IN_FLIGHT)
      views.push(...(await Promise.all(signatures.slice(i, i + TRANSACTIONS_IN_FLIGHT).map(readTransaction))));
    return views;
  }

  async function readTransaction(signature: string): Promise<SolanaTransactionView> {
    const tx = await node.call(
      'getTransaction',
      node.rpc.getTransaction(toSignature(signature), { encoding: 'jsonParsed', maxSupportedTransactionVersion: 0 }),
    );
    // Listed but not served yet (another node of the pool lags): the step is retried later.
    if (!tx?.meta)
      throw new SourceError('unavailable', `the Solana RPC node does not have transaction ${signature} yet`);
    const { meta } = tx;
    const tokenBalance = (b: NonNullable<typeof meta.preTokenBalances>[number]): TokenBalanceView => ({
      accountIndex: Number(b.accountIndex),
      mint: b.mint,
      ...(b.owner ? { owner: b.owner } : {}),
      amount: BigInt(b.uiTokenAmount.amount),
      decimals: Number(b.uiTokenAmount.decimals),
    });
    return {
      signature,
      blockTime: tx.blockTime === null ? null : Number(tx.blockTime),
      accountKeys: tx.transaction.message.accountKeys.map((k) => k.pubkey),
      fee: BigInt(meta.fee),
      failed: meta.err !== null,
      preBalances: meta.preBalances.map(BigInt),
      postBalances: meta.postBalances.map(BigInt),
      preTokenBalances: (meta.preTokenBalances ?? []).map(tokenBalance),
      postTokenBalances: (meta.postTokenBalances ?? []).map(tokenBalance),
    };
  }

  return {
    balancesFirst: true,

    async validate() {
      await node.call('getSlot', node.rpc.getSlot());
    },

    async fetchBalances(): Promise<BalanceItem[]> {
      tokenAccounts = undefined; // a balance read is the moment to see new token accounts
      const [lamports, accounts] = await Promise.all([
        node.call('getBalance', node.rpc.getBalance(owner)),
        listTokenAccounts(),
      ]);
      const held = new Map<string, { amount: bigint; decimals: number }>();
      for (const a of accounts) {
        const sum = held.get(a.mint) ?? { amount: 0n, decimals: a.decimals };
        held.set(a.mint, { amount: sum.amount + a.amount, decimals: a.decimals });
      }
      const nonZero = [...held].filter(([, h]) => h.amount > 0n);
      const described = await mints.describe(
        nonZero.map(([mint]) => mint),
        new Map(nonZero.map(([mint, h]) => [mint, h.decimals])),
      );
      const items: BalanceItem[] = nonZero.map(([mint, h]) => ({
        asset: tokenAsset(mint, { ...described.get(mint)!, decimals: h.decimals }),
        quantity: h.amount,
      }));
      return lamports.value > 0n ? [{ asset: SOL, quantity: lamports.value }, ...items] : items;
    },

    async fetchTransactions(cursorText): Promise<TransactionBatch> {
      const cursor: HistoryCursor = parseHistoryCursor(cursorText);
      const addresses = cursor.pass?.addresses ?? [owner, ...(await listTokenAccounts()).map((a) => a.account).sort()];
      const current = addresses[0]!;
      const bound = cursor.read[current];
      const before = cursor.pass?.before;
      const page = await node.call(
        'getSignaturesForAddress',
        node.rpc.getSignaturesForAddress(address(current), {
          limit: options.signaturesPerPage,
          ...(before ? { before: toSignature(before) } : {}),
          ...(bound ? { until: toSignature(bound) } : {}),
        }),
      );
      const signatures = page.map((s) => s.signature as string);
      const fresh = signatures.filter((s) => !read.has(s));
      const views = await readTransactions(fresh);
      const seen = new Map<string, number>();
      for (const view of views)
        for (const b of [...view.preTokenBalances, ...view.postTokenBalances]) seen.set(b.mint, b.decimals);
      const described = await mints.describe(seen.keys(), seen);
      const items = views.map((view) => normalizeSolanaTransaction(view, owner, described, now()));
      for (const s of fresh) read.add(s);
      const step = nextHistoryStep(cursor, addresses, signatures, options.signaturesPerPage);
      return { items, nextCursor: JSON.stringify(step.cursor), done: step.done };
    },
  };
}
