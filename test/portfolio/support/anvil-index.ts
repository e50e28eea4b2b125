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

interface CallFrame {
  type: string;
  from: string;
  to?: string;
  value?: Hex;
  gas?: Hex;
  gasUsed?: Hex;
  input?: Hex;
  error?: string;
  calls?: CallFrame[];
}

const lower = (a: string | null | undefined) => (a ?? '').toLowerCase();
const dec = (n: bigint | number | Hex | undefined) => (n === undefined ? '0' : BigInt(n).toString());

/**
 * What an explorer's indexer holds, built from a real anvil node's blocks from `fromBlock` on:
 * every transaction with its receipt (txlist), the value-moving and creating calls of its
 * `callTracer` trace (txlistinternal) and its ERC-20 Transfer logs (tokentx), in the fields and
 * formats Etherscan answers with.
 */
export class AnvilIndex {
  readonly lists: AnvilIndexLists = { txlist: [], txlistinternal: [], tokentx: [] };
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

  private async indexNewBlocks(): Promise<number> {
    const head = Number(await this.client.getBlockNumber());
    for (let n = this.indexedUpTo + 1; n <= head; n++) {
      const block = await this.client.getBlock({ blockNumber: BigInt(n), includeTransactions: true });
      for (const tx of block.transactions) await this.indexTransaction(tx.hash, Number(block.timestamp));
      this.indexedUpTo = n;
    }
    this.head = head;
    return head;
  }

  private async indexTransaction(hash: Hash, timestamp: number): Promise<void> {
    const [tx, receipt, trace] = await Promise.all([
      this.client.getTransaction({ hash }),
      this.client.getTransactionReceipt({ hash }),
      this.trace(hash),
    ]);
    const block = Number(receipt.blockNumber);
    const index = receipt.transactionIndex;
    const failed = receipt.status === 'reverted';
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
    this.lists.txlist.push({
      block,
      order: [index, 0],
      parties: [lower(tx.from), lower(tx.to), created].filter(Boolean),
      record: {
        ...common,
        nonce: String(tx.nonce),
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
    let order = 0;
    const visit = (frame: CallFrame, path: number[], reverted: boolean) => {
      const isError = reverted || !!frame.error;
      (frame.calls ?? []).forEach((child, i) => {
        const childPath = [...path, i];
        const childFailed = isError || !!child.error;
        const creates = child.type.startsWith('CREATE');
        if (creates || BigInt(child.value ?? '0x0') > 0n) {
          this.lists.txlistinternal.push({
            block,
            order: [index, ++order],
            parties: [lower(child.from), lower(child.to)].filter(Boolean),
            record: {
              ...common,
              from: lower(child.from),
              to: creates ? '' : lower(child.to),
              value: dec(child.value),
              contractAddress: creates ? lower(child.to) : '',
              input: '',
              type: creates ? 'create' : 'call',
              gas: dec(child.gas),
              gasUsed: dec(child.gasUsed),
              traceId: childPath.join('_'),
              isError: childFailed ? '1' : '0',
              errCode: child.error ?? '',
            },
          });
        }
        visit(child, childPath, childFailed);
      });
    };
    visit(trace, [], failed);
    for (const [i, log] of receipt.logs.entries()) {
      if (log.topics[0] !== TRANSFER_TOPIC || log.topics.length !== 3 || log.data.length !== 66) continue;
      const token = await this.tokenMetadata(log.address);
      const from = `0x${log.topics[1]!.slice(26)}`;
      const to = `0x${log.topics[2]!.slice(26)}`;
      this.lists.tokentx.push({
        block,
        order: [index, i],
        parties: [from, to],
        record: {
          ...common,
          nonce: String(tx.nonce),
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

  private async trace(hash: Hash): Promise<CallFrame> {
    const response = await fetch(this.rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'debug_traceTransaction',
        params: [hash, { tracer: 'callTracer' }],
      }),
    });
    const body = (await response.json()) as { result?: CallFrame; error?: { message: string } };
    if (!body.result) throw new Error(`anvil could not trace ${hash}: ${body.error?.message}`);
    return body.result;
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
