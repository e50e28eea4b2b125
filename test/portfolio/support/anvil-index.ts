import { createPublicClient, erc20Abi, http, type Address, type Hash, type Hex, type PublicClient } from 'viem';

const TRANSFER_TOPIC = '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';

/** One account-API record in Etherscan's wire shape (every value a string), with what the server sorts and filters by. */
export interface IndexedEntry {
  block: number;
  /** Position in the block: transaction index, then the order inside it. */
  order: [number, number];
  /** Lowercase addresses the record is listed under. */
  parties: string[];
  record: Record<string, string>;
}

export interface AnvilIndexLists {
  txlist: IndexedEntry[];
  txlistinternal: IndexedEntry[];
  tokentx: IndexedEntry[];
}

/** One frame of a transaction's call tree as anvil's `trace_block` lists it (OpenEthereum's trace format). */
interface CallTrace {
  type: 'call' | 'create' | 'suicide' | 'reward';
  action: {
    from?: string;
    to?: string;
    value?: Hex;
    gas?: Hex;
    /** suicide: the contract, where its balance went, and how much. */
    address?: string;
    refundAddress?: string;
    balance?: Hex;
  };
  result?: { gasUsed?: Hex; address?: string } | null;
  error?: string;
  /** The frame's path in the call tree; [] is the transaction itself. */
  traceAddress: number[];
  transactionHash: Hash;
}

const lower = (a: string | null | undefined) => (a ?? '').toLowerCase();
const dec = (n: bigint | number | Hex | undefined) => (n === undefined ? '0' : BigInt(n).toString());

/** A transaction as eth_getBlockByNumber (full) lists it: JSON-RPC hex quantities. */
interface RawTransaction {
  hash: Hash;
  from: string;
  to: string | null;
  value: Hex;
  gas: Hex;
  nonce: Hex;
  input: Hex;
  transactionIndex: Hex;
}

interface RawBlock {
  number: Hex;
  timestamp: Hex;
  transactions: RawTransaction[];
}

interface RawReceipt {
  transactionHash: Hash;
  transactionIndex: Hex;
  blockHash: Hash;
  status: Hex;
  contractAddress: string | null;
  gasUsed: Hex;
  cumulativeGasUsed: Hex;
  effectiveGasPrice: Hex;
  logs: Array<{ address: Address; topics: Hex[]; data: Hex }>;
}

/** Blocks asked for in one batched request while catching up (a long history is mostly empty blocks). */
const BLOCKS_PER_REQUEST = 100;

/**
 * What an explorer's indexer holds, built from a real anvil node's blocks from `fromBlock` on:
 * every transaction with its receipt (txlist), the value-moving and creating calls of its trace
 * (txlistinternal) and its ERC-20 Transfer logs (tokentx), in the fields and formats Etherscan
 * answers with. Catching up reads blocks a hundred per batched request, and a block with
 * transactions costs two more calls (its receipts; its traces, which anvil recorded when it mined
 * the block, so nothing is replayed), so tens of thousands of transactions index in seconds;
 * records are kept per address as well, for quick answers.
 */
export class AnvilIndex {
  readonly lists: AnvilIndexLists = { txlist: [], txlistinternal: [], tokentx: [] };
  /** The same records by lowercase address, in chain order. */
  private readonly byParty: Record<keyof AnvilIndexLists, Map<string, IndexedEntry[]>> = {
    txlist: new Map(),
    txlistinternal: new Map(),
    tokentx: new Map(),
  };
  private readonly client: PublicClient;
  private indexedUpTo: number;
  private readonly tokens = new Map<string, { name: string; symbol: string; decimals: string }>();
  private catchingUp: Promise<number> | undefined;
  head = 0;

  constructor(
    private readonly rpcUrl: string,
    fromBlock: number,
  ) {
    this.client = createPublicClient({ transport: http(rpcUrl), cacheTime: 0 });
    this.indexedUpTo = fromBlock - 1;
  }

  /** Indexes every block up to anvil's head; answers the head. */
  catchUp(): Promise<number> {
    this.catchingUp ??= this.indexNewBlocks().finally(() => (this.catchingUp = undefined));
    return this.catchingUp;
  }

  /** The records of one list that name `address` (lowercase), in chain order. */
  recordsOf(list: keyof AnvilIndexLists, address: string): IndexedEntry[] {
    return this.byParty[list].get(address) ?? [];
  }

  private async indexNewBlocks(): Promise<number> {
    const head = Number(await this.client.getBlockNumber());
    for (let from = this.indexedUpTo + 1; from <= head; from += BLOCKS_PER_REQUEST) {
      const to = Math.min(head, from + BLOCKS_PER_REQUEST - 1);
      const numbers = Array.from({ length: to - from + 1 }, (_, i) => `0x${(from + i).toString(16)}`);
      const blocks = await this.rpc<RawBlock>(numbers.map((n) => ['eth_getBlockByNumber', [n, true]]));
      const busy = blocks.filter((b) => b.transactions.length > 0);
      const details = await Promise.all(
        busy.map((b) =>
          this.rpc<RawReceipt[] | CallTrace[]>([
            ['eth_getBlockReceipts', [b.number]],
            ['trace_block', [b.number]],
          ]),
        ),
      );
      for (const [i, block] of busy.entries()) {
        const [receipts, traces] = details[i]! as [RawReceipt[], CallTrace[]];
        const receiptOf = new Map(receipts.map((r) => [r.transactionHash, r]));
        const tracesOf = new Map<Hash, CallTrace[]>();
        for (const t of traces) tracesOf.set(t.transactionHash, [...(tracesOf.get(t.transactionHash) ?? []), t]);
        for (const tx of block.transactions) {
          const receipt = receiptOf.get(tx.hash);
          const frames = tracesOf.get(tx.hash);
          if (!receipt || !frames) throw new Error(`anvil gave no receipt or trace for ${tx.hash}`);
          await this.indexTransaction(tx, receipt, frames, Number(block.number), Number(block.timestamp));
        }
      }
      this.indexedUpTo = to;
    }
    this.head = head;
    return head;
  }

  private add(list: keyof AnvilIndexLists, entry: IndexedEntry): void {
    this.lists[list].push(entry);
    for (const party of new Set(entry.parties)) {
      const mine = this.byParty[list].get(party);
      if (mine) mine.push(entry);
      else this.byParty[list].set(party, [entry]);
    }
  }

  private async indexTransaction(
    tx: RawTransaction,
    receipt: RawReceipt,
    frames: CallTrace[],
    block: number,
    timestamp: number,
  ): Promise<void> {
    const hash = tx.hash;
    const index = Number(receipt.transactionIndex);
    const failed = Number(receipt.status) === 0;
    const common = {
      blockNumber: String(block),
      timeStamp: String(timestamp),
      hash: hash.toLowerCase(),
    };
    const gasFields = {
      gas: dec(tx.gas),
      // Etherscan reports the price the transaction paid (EIP-1559: the effective one).
      gasPrice: dec(receipt.effectiveGasPrice),
      gasUsed: dec(receipt.gasUsed),
      cumulativeGasUsed: dec(receipt.cumulativeGasUsed),
    };
    const created = lower(receipt.contractAddress);
    this.add('txlist', {
      block,
      order: [index, 0],
      parties: [lower(tx.from), lower(tx.to), created].filter(Boolean),
      record: {
        ...common,
        nonce: dec(tx.nonce),
        blockHash: lower(receipt.blockHash),
        transactionIndex: String(index),
        from: lower(tx.from),
        to: lower(tx.to),
        value: dec(tx.value),
        ...gasFields,
        isError: failed ? '1' : '0',
        txreceipt_status: failed ? '0' : '1',
        input: tx.input,
        contractAddress: created,
        confirmations: '0',
        methodId: tx.input.length >= 10 ? tx.input.slice(0, 10) : '0x',
        functionName: '',
      },
    });
    // Frames come depth first, a parent before its children: a frame failed when it or any
    // frame above it did (a reverted transaction undoes every call inside it).
    const failedAt = new Map<string, boolean>();
    let order = 0;
    for (const frame of frames) {
      const path = frame.traceAddress.join('_');
      const above = frame.traceAddress.length ? failedAt.get(frame.traceAddress.slice(0, -1).join('_')) : failed;
      const frameFailed = !!above || !!frame.error;
      failedAt.set(path, frameFailed);
      if (frame.traceAddress.length === 0) continue;
      const { action } = frame;
      const creates = frame.type === 'create';
      const from = frame.type === 'suicide' ? action.address : action.from;
      const to = frame.type === 'suicide' ? action.refundAddress : creates ? frame.result?.address : action.to;
      const value = frame.type === 'suicide' ? action.balance : action.value;
      if (!creates && BigInt(value ?? '0x0') === 0n) continue;
      this.add('txlistinternal', {
        block,
        order: [index, ++order],
        parties: [lower(from), lower(to)].filter(Boolean),
        record: {
          ...common,
          from: lower(from),
          to: creates ? '' : lower(to),
          value: dec(value),
          contractAddress: creates ? lower(to) : '',
          input: '',
          type: creates ? 'create' : 'call',
          gas: dec(action.gas),
          gasUsed: dec(frame.result?.gasUsed),
          traceId: path,
          isError: frameFailed ? '1' : '0',
          errCode: frame.error ?? '',
        },
      });
    }
    for (const [i, log] of receipt.logs.entries()) {
      if (log.topics[0] !== TRANSFER_TOPIC || log.topics.length !== 3 || log.data.length !== 66) continue;
      const token = await this.tokenMetadata(log.address);
      const from = `0x${log.topics[1]!.slice(26)}`;
      const to = `0x${log.topics[2]!.slice(26)}`;
      this.add('tokentx', {
        block,
        order: [index, i],
        parties: [from, to],
        record: {
          ...common,
          nonce: dec(tx.nonce),
          blockHash: lower(receipt.blockHash),
          from,
          contractAddress: lower(log.address),
          to,
          value: dec(log.data),
          tokenName: token.name,
          tokenSymbol: token.symbol,
          tokenDecimal: token.decimals,
          transactionIndex: String(index),
          ...gasFields,
          input: 'deprecated',
          confirmations: '0',
        },
      });
    }
  }

  /** One batched JSON-RPC request; answers the results in the order asked. */
  private async rpc<T>(calls: Array<[string, unknown[]]>): Promise<T[]> {
    const response = await fetch(this.rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(calls.map(([method, params], id) => ({ jsonrpc: '2.0', id, method, params }))),
    });
    const answers = (await response.json()) as Array<{ id: number; result?: T; error?: { message: string } }>;
    const byId = new Map(answers.map((a) => [a.id, a]));
    return calls.map(([method], id) => {
      const answer = byId.get(id);
      if (!answer || answer.result === undefined)
        throw new Error(`anvil could not answer ${method}: ${answer?.error?.message ?? 'no answer'}`);
      return answer.result;
    });
  }

  private async tokenMetadata(address: Address) {
    const key = address.toLowerCase();
    let found = this.tokens.get(key);
    if (!found) {
      const read = <T>(functionName: 'name' | 'symbol' | 'decimals') =>
        this.client.readContract({ address, abi: erc20Abi, functionName }).then(
          (v) => String(v as T),
          () => '',
        );
      found = { name: await read('name'), symbol: await read('symbol'), decimals: await read('decimals') };
      this.tokens.set(key, found);
    }
    return found;
  }
}
