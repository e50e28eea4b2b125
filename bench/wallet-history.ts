// The wallet benchmark's history: real transactions on a real anvil node (no automine), sent from
// anvil's unlocked accounts and from the wallet itself (impersonated), mined a block at a time.
// Every transaction moves value to or from the wallet once: ERC-20 transfers in and out, ETH in
// and out, and ETH received inside a contract call (an internal transaction). Empty blocks between
// them stretch the history over a span of blocks, as a real one is (the block scan reads them all).
import { readFileSync } from 'node:fs';
import { encodeDeployData, encodeFunctionData, parseEther, type Abi, type Address, type Hash, type Hex } from 'viem';

type Artifact = { abi: Abi; bytecode: Hex };
const artifact = (file: string) =>
  JSON.parse(readFileSync(new URL(`../test/portfolio/fixtures/evm/${file}`, import.meta.url), 'utf8')) as Artifact;
const TOKEN = artifact('test-token.json');
const MULTICALL = artifact('test-multicall.json');
const FORWARDER = artifact('test-forwarder.json');

/** Gas each kind of transaction is sent with (estimation against a pending pool is not needed). */
const GAS = { eth: 21_000n, token: 80_000n, forward: 60_000n, deploy: 3_000_000n } as const;
/** Seconds between blocks, as on Ethereum. */
export const BLOCK_SECONDS = 12;

/** The kinds of transfer, with their share of the history (out of 100). */
const MIX = [
  ['tokenIn', 50],
  ['tokenOut', 20],
  ['ethIn', 15],
  ['ethOut', 10],
  ['internalIn', 5],
] as const;
type Kind = (typeof MIX)[number][0];

export interface HistoryPlan {
  /** Transactions that move value to or from the wallet (one transfer each). */
  transfers: number;
  /** ERC-20 tokens they are spread over. */
  tokens: number;
  /** Transfers in each block that holds some. */
  perBlock: number;
  /** Empty blocks after each of those. */
  gapBlocks: number;
}

export interface WalletHistory {
  /** Block of the wallet's first transaction. */
  firstBlock: number;
  head: number;
  multicall: Address;
  tokens: Address[];
  /** Transfers by kind (they add up to plan.transfers). */
  kinds: Record<Kind, number>;
  /** Records an Etherscan-compatible indexer lists for the wallet, per list. */
  records: { txlist: number; txlistinternal: number; tokentx: number };
}

type Call = [method: string, params: unknown[]];

/** One JSON-RPC request to the node (a batch when given several calls); every call must succeed. */
async function rpc<T = unknown>(url: string, calls: Call[]): Promise<T[]> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(calls.map(([method, params], id) => ({ jsonrpc: '2.0', id, method, params }))),
  });
  const answers = (await response.json()) as Array<{ id: number; result?: T; error?: { message: string } }>;
  const byId = new Map(answers.map((a) => [a.id, a]));
  return calls.map(([method], id) => {
    const answer = byId.get(id);
    if (!answer || 'error' in answer)
      throw new Error(`anvil refused ${method}: ${answer?.error?.message ?? 'no answer'}`);
    return answer.result as T;
  });
}

const one = async <T>(url: string, method: string, params: unknown[] = []) =>
  (await rpc<T>(url, [[method, params]]))[0]!;
const hex = (n: bigint | number) => `0x${n.toString(16)}`;

/** A fixed-seed generator, so every run builds the same history. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Builds the wallet's history on the node at `url` (started with --no-mining): deploys Multicall3,
 * the forwarder and the tokens, then plan.transfers transactions to and from `wallet`,
 * `perBlock` to a block, each block followed by `gapBlocks` empty ones. Checks that every block
 * holds what was sent and that nothing reverted.
 */
export async function buildWalletHistory(url: string, wallet: Address, plan: HistoryPlan, seed: number) {
  const next = random(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const accounts = await one<Address[]>(url, 'eth_accounts');
  const deployer = accounts[0]!;
  const counterparties = accounts.slice(1);
  const nonces = new Map<string, number>();
  const nonceOf = async (from: Address) => {
    const known = nonces.get(from) ?? Number(await one<Hex>(url, 'eth_getTransactionCount', [from, 'pending']));
    nonces.set(from, known + 1);
    return known;
  };
  const tx = async (from: Address, fields: { to?: Address; value?: bigint; data?: Hex; gas: bigint }) => ({
    from,
    ...(fields.to ? { to: fields.to } : {}),
    value: hex(fields.value ?? 0n),
    ...(fields.data ? { data: fields.data } : {}),
    gas: hex(fields.gas),
    nonce: hex(await nonceOf(from)),
  });
  await one(url, 'anvil_setBlockTimestampInterval', [BLOCK_SECONDS]);

  /** Sends the transactions, mines them into one block and checks it: answers their hashes. */
  const mineBlock = async (txs: unknown[]): Promise<Hash[]> => {
    const hashes = await rpc<Hash>(
      url,
      txs.map((t) => ['eth_sendTransaction', [t]]),
    );
    await one(url, 'evm_mine');
    const receipts = await one<Array<{ transactionHash: Hash; status: Hex; contractAddress: Address | null }>>(
      url,
      'eth_getBlockReceipts',
      ['latest'],
    );
    if (receipts.length !== hashes.length)
      throw new Error(`a block holds ${receipts.length} transactions of the ${hashes.length} sent`);
    const failed = receipts.find((r) => Number(r.status) !== 1);
    if (failed) throw new Error(`transaction ${failed.transactionHash} reverted while building the history`);
    return hashes;
  };
  const receiptsOf = async (hashes: Hash[]) =>
    rpc<{ contractAddress: Address }>(
      url,
      hashes.map((h) => ['eth_getTransactionReceipt', [h]]),
    );

  // The contracts: Multicall3 (balances), the forwarder (internal transfers), the tokens.
  const decimals = [18, 6, 8, 18, 12];
  const supply = (d: number) => 10n ** BigInt(d + 12);
  const deploys = [
    await tx(deployer, { data: MULTICALL.bytecode, gas: GAS.deploy }),
    await tx(deployer, { data: FORWARDER.bytecode, gas: GAS.deploy }),
  ];
  for (let i = 0; i < plan.tokens; i++) {
    const d = decimals[i % decimals.length]!;
    const data = encodeDeployData({
      abi: TOKEN.abi,
      bytecode: TOKEN.bytecode,
      args: [`Bench Token ${i + 1}`, `BT${i + 1}`, d, supply(d)],
    });
    deploys.push(await tx(deployer, { data, gas: GAS.deploy }));
  }
  const created = (await receiptsOf(await mineBlock(deploys))).map((r) => r.contractAddress);
  const [multicall, forwarder, ...tokens] = created as [Address, Address, ...Address[]];
  const tokenDecimals = new Map(tokens.map((t, i) => [t, decimals[i % decimals.length]!]));
  const transfer = (to: Address, value: bigint) =>
    encodeFunctionData({ abi: TOKEN.abi, functionName: 'transfer', args: [to, value] });

  // The counterparties hold a share of every token (none of this touches the wallet).
  const shares: unknown[] = [];
  for (const token of tokens)
    for (const c of counterparties)
      shares.push(
        await tx(deployer, { to: token, data: transfer(c, supply(tokenDecimals.get(token)!) / 20n), gas: GAS.token }),
      );
  await mineBlock(shares);
  await one(url, 'anvil_impersonateAccount', [wallet]);

  const kinds = Object.fromEntries(MIX.map(([k]) => [k, 0])) as Record<Kind, number>;
  const unit = (token: Address) => 10n ** BigInt(tokenDecimals.get(token)!);
  // The first block funds the wallet: ETH for its gas and sends, and every token it sends later.
  const funder = counterparties[0]!;
  const opening = [await tx(funder, { to: wallet, value: parseEther('1000'), gas: GAS.eth })];
  kinds.ethIn++;
  for (const token of tokens.slice(0, Math.max(0, plan.transfers - 1))) {
    opening.push(await tx(funder, { to: token, data: transfer(wallet, 1_000_000n * unit(token)), gas: GAS.token }));
    kinds.tokenIn++;
  }
  const firstBlock = Number(await one<Hex>(url, 'eth_blockNumber')) + 1;
  await mineBlock(opening);

  const total = MIX.reduce((sum, [, share]) => sum + share, 0);
  const kindAt = (x: number): Kind => {
    let acc = 0;
    for (const [kind, share] of MIX) if (x < (acc += share / total)) return kind;
    return MIX[0][0];
  };
  for (let sent = opening.length; sent < plan.transfers;) {
    await one(url, 'anvil_mine', [hex(plan.gapBlocks), BLOCK_SECONDS]);
    const block: unknown[] = [];
    for (; block.length < plan.perBlock && sent < plan.transfers; sent++) {
      const kind = kindAt(next());
      const them = pick(counterparties);
      const token = pick(tokens);
      const cents = BigInt(1 + Math.floor(next() * 100));
      kinds[kind]++;
      switch (kind) {
        case 'tokenIn':
          block.push(await tx(them, { to: token, data: transfer(wallet, cents * unit(token)), gas: GAS.token }));
          break;
        case 'tokenOut':
          block.push(
            await tx(wallet, { to: token, data: transfer(them, (cents * unit(token)) / 100n), gas: GAS.token }),
          );
          break;
        case 'ethIn':
          block.push(await tx(them, { to: wallet, value: cents * 10n ** 16n, gas: GAS.eth }));
          break;
        case 'ethOut':
          block.push(await tx(wallet, { to: them, value: cents * 10n ** 14n, gas: GAS.eth }));
          break;
        case 'internalIn': {
          const data = encodeFunctionData({ abi: FORWARDER.abi, functionName: 'forward', args: [wallet] });
          block.push(await tx(them, { to: forwarder, value: cents * 10n ** 15n, data, gas: GAS.forward }));
          break;
        }
      }
    }
    await mineBlock(block);
  }
  const head = Number(await one<Hex>(url, 'eth_blockNumber'));
  return {
    firstBlock,
    head,
    multicall,
    tokens,
    kinds,
    records: {
      // Everything the wallet sent or was sent directly; the token transfers; the forwarded ETH.
      txlist: kinds.tokenOut + kinds.ethIn + kinds.ethOut,
      tokentx: kinds.tokenIn + kinds.tokenOut,
      txlistinternal: kinds.internalIn,
    },
  } satisfies WalletHistory;
}
