import { encodeFunctionData, erc20Abi, getAddress, parseAbi, parseUnits, type Address, type Hash } from 'viem';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SourceError } from '../../src/portfolio/errors.ts';
import type { BalanceItem } from '../../src/portfolio/ledger/normalized.ts';
import type { EvmChain } from '../../src/portfolio/settings.ts';
import { evmIndexerSource } from '../../src/portfolio/sources/evm/evm-indexer-source.ts';
import { discoverNetworks } from '../../src/portfolio/sources/evm/discover-networks.ts';
import { AccountApi, type AccountQuery } from '../../src/portfolio/sources/evm/indexer/account-api.ts';
import { readHistoryStep } from '../../src/portfolio/sources/evm/indexer/account-history.ts';
import { AnvilChain } from './support/anvil-chain.ts';
import { EtherscanServer } from './support/etherscan-server.ts';

const API_KEY = 'client-test-key';
const aggregate3Abi = parseAbi([
  'struct Call3 { address target; bool allowFailure; bytes callData; }',
  'function aggregate3(Call3[] calls) payable returns ((bool success, bytes returnData)[])',
]);

describe('the account API client against the Etherscan stand-in', () => {
  const chain = new AnvilChain(inject('anvilRpcUrl'));
  let etherscan: EtherscanServer;
  let owner: Address;
  let twoInOneBlock: Hash;
  let head: number;

  const apiAt = (callsPerSecond: number, apiKey = API_KEY) =>
    new AccountApi({ indexer: { url: `${etherscan.url}?chainid=31337`, apiKey, callsPerSecond }, timeoutMs: 5000 });
  const query = (over: Partial<AccountQuery> = {}): AccountQuery => ({
    action: 'txlist',
    address: owner,
    startBlock: 0,
    endBlock: head,
    page: 1,
    offset: 100,
    sort: 'asc',
    ...over,
  });

  beforeAll(async () => {
    const funder = await chain.newAccount('10');
    const startBlock = Number(await chain.public.getBlockNumber()) + 1;
    owner = (await chain.newAccount()).address;
    await chain.sendEth(funder, owner, '1');
    // Two transfers to the owner inside one transaction (one block): Multicall3 pays them out.
    const multicall = await chain.deployMulticall(funder);
    const token = await chain.deployToken(funder, 'Two Step', 'TWO', 18, parseUnits('100', 18));
    await chain.callToken(funder, getAddress(token.address), 'transfer', [multicall, parseUnits('10', 18)]);
    const pay = (amount: string) => ({
      target: getAddress(token.address),
      allowFailure: false,
      callData: encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [owner, parseUnits(amount, 18)] }),
    });
    twoInOneBlock = await chain.wallet(funder).writeContract({
      address: multicall,
      abi: aggregate3Abi,
      functionName: 'aggregate3',
      args: [[pay('1'), pay('2')]],
    });
    await chain.public.waitForTransactionReceipt({ hash: twoInOneBlock, pollingInterval: 20 });
    head = Number(await chain.public.getBlockNumber());
    etherscan = new EtherscanServer(chain.rpcUrl, startBlock, { chainId: 31337, apiKey: API_KEY });
    await etherscan.start();
  });
  afterAll(() => etherscan.close());

  it('keeps under the indexer’s rate limit when told its true rate', async () => {
    etherscan.callsPerSecond = 5;
    const refusedBefore = etherscan.rateLimited;
    const api = apiAt(5);
    try {
      for (let i = 0; i < 8; i++) expect(await api.list(query())).toHaveLength(1);
      expect(etherscan.rateLimited).toBe(refusedBefore);
    } finally {
      etherscan.callsPerSecond = Infinity;
    }
  });

  it('backs off and tries again on "Max rate limit reached", then fails with the indexer’s words', async () => {
    const waits: number[] = [];
    const api = new AccountApi({
      indexer: { url: `${etherscan.url}?chainid=31337`, apiKey: API_KEY, callsPerSecond: 1000 },
      timeoutMs: 5000,
      onRateLimited: (ms) => waits.push(ms),
    });
    etherscan.rateLimitNext = 2;
    expect(await api.list(query())).toHaveLength(1);
    expect(waits).toEqual([2.2, 4.4]); // doubling from one call's spacing
    etherscan.rateLimitNext = 100;
    await expect(api.list(query())).rejects.toThrow(
      new SourceError(
        'unavailable',
        `the indexer ${new URL(etherscan.url).host} kept answering "Max rate limit reached"`,
      ),
    );
    etherscan.rateLimitNext = 0;
  });

  it('reads "No transactions found" as an empty list and turns every refusal into SourceError naming it', async () => {
    expect(await apiAt(1000).list(query({ action: 'txlistinternal' }))).toEqual([]);
    const host = new URL(etherscan.url).host;
    await expect(apiAt(1000, 'wrong').list(query())).rejects.toThrow(
      `the indexer ${host} refused the request: Missing/Invalid API Key`,
    );
    await expect(apiAt(1000).list(query({ page: 3, offset: 5000 }))).rejects.toThrow(
      /Result window is too large, PageNo x Offset size must be less than or equal to 10000/,
    );
    etherscan.down = true;
    await expect(apiAt(1000).list(query())).rejects.toSatisfy(
      (e: SourceError) => e.kind === 'unavailable' && e.message === `the indexer ${host} answered HTTP 503`,
    );
    etherscan.down = false;
  });

  it('reads a block with more records than a page alone, page by page, and stops the step there', async () => {
    const block = Number((await chain.public.getTransactionReceipt({ hash: twoInOneBlock })).blockNumber);
    const step = await readHistoryStep(apiAt(1000), owner, block, head, head, 1);
    expect(step.end).toBe(block);
    expect(step.page.tokens.map((t) => [t.hash, t.value])).toEqual([
      [twoInOneBlock, parseUnits('1', 18)],
      [twoInOneBlock, parseUnits('2', 18)],
    ]);
    // The step's one page of transfers was full inside its first block: that block alone, pages 1 to 3.
    const calls = etherscan.callsOf('tokentx').slice(-4);
    expect(calls.map((q) => q.get('page'))).toEqual(['1', '1', '2', '3']);
    expect(
      calls.slice(1).every((q) => q.get('startblock') === String(block) && q.get('endblock') === String(block)),
    ).toBe(true);
  });
});

describe('finding the networks an address has used (for "all networks")', () => {
  const chain = new AnvilChain(inject('anvilRpcUrl'));
  const servers: EtherscanServer[] = [];

  afterAll(() => Promise.all(servers.map((s) => s.close())));

  /** A network whose indexer serves anvil's blocks from `fromBlock` on (beyond the head: a network the address never used). */
  const network = async (id: string, chainId: number, fromBlock: number): Promise<EvmChain> => {
    const server = new EtherscanServer(chain.rpcUrl, fromBlock, { chainId, apiKey: API_KEY });
    await server.start();
    servers.push(server);
    return {
      id,
      name: id,
      chainId,
      rpcUrl: chain.rpcUrl,
      nativeSymbol: 'ETH',
      nativeName: 'Ether',
      confirmations: 0,
      startBlock: 0,
      indexer: { url: `${server.url}?chainid=${chainId}`, apiKey: API_KEY, callsPerSecond: 1000 },
    };
  };

  it('asks each indexer once for an address that sent or received ETH, twice when it only got tokens', async () => {
    const funder = await chain.newAccount('10');
    const from = Number(await chain.public.getBlockNumber()) + 1;
    const [sender, tokenOnly, nobody] = [await chain.newAccount(), await chain.newAccount(), await chain.newAccount()];
    await chain.sendEth(funder, sender.address, '1');
    const token = await chain.deployToken(funder, 'Drop', 'DRP', 0, 10n);
    await chain.callToken(funder, getAddress(token.address), 'transfer', [tokenOnly.address, 1n]);
    const used = await network('used', 501, from);
    const unused = await network('unused', 502, from + 1_000_000);
    const down = await network('down', 503, from);
    servers[2]!.down = true;
    const noIndexer = { ...used, id: 'scanned', chainId: 504, indexer: undefined };

    const seen = await discoverNetworks([used, unused, down, noIndexer], sender.address, 5000);
    expect(seen).toEqual([
      { chainId: 'used', active: true },
      { chainId: 'unused', active: false },
      { chainId: 'down', error: `the indexer ${new URL(servers[2]!.url).host} answered HTTP 503` },
    ]);
    expect(servers[0]!.calls.map((q) => q.get('action'))).toEqual(['txlist']);
    expect(servers[1]!.calls.map((q) => [q.get('action'), q.get('offset')])).toEqual([
      ['txlist', '1'],
      ['tokentx', '1'],
    ]);
    expect(await discoverNetworks([used], tokenOnly.address, 5000)).toEqual([{ chainId: 'used', active: true }]);
    expect(await discoverNetworks([used], nobody.address, 5000)).toEqual([{ chainId: 'used', active: false }]);
  });
});

describe('balances of an indexed wallet', () => {
  const chain = new AnvilChain(inject('anvilRpcUrl'));
  let etherscan: EtherscanServer;
  afterAll(() => etherscan.close());

  it('reads the tokens of the newest transfers and, given the saved cursor, the older ones it lists', async () => {
    const funder = await chain.newAccount('10');
    const from = Number(await chain.public.getBlockNumber()) + 1;
    const owner = await chain.newAccount();
    const old = getAddress((await chain.deployToken(funder, 'Old', 'OLD', 18, parseUnits('5', 18))).address);
    const recent = getAddress((await chain.deployToken(funder, 'New', 'NEW', 6, parseUnits('7', 6))).address);
    await chain.callToken(funder, old, 'transfer', [owner.address, parseUnits('5', 18)]);
    await chain.callToken(funder, recent, 'transfer', [owner.address, parseUnits('7', 6)]);
    const multicall = await chain.deployMulticall(funder);
    etherscan = new EtherscanServer(chain.rpcUrl, from, { chainId: 31337, apiKey: API_KEY });
    await etherscan.start();
    const source = evmIndexerSource({
      chain: {
        id: 'anvil',
        name: 'Anvil',
        chainId: 31337,
        rpcUrl: chain.rpcUrl,
        nativeSymbol: 'ETH',
        nativeName: 'Ether',
        confirmations: 0,
        startBlock: 0,
        multicall3: multicall,
        indexer: { url: `${etherscan.url}?chainid=31337`, apiKey: API_KEY, callsPerSecond: 1000 },
      },
      address: owner.address,
      pageSize: 1, // the newest page holds only the NEW transfer
      timeoutMs: 5000,
    });
    const held = (items: BalanceItem[] | undefined) =>
      (items ?? []).map((b) => [b.asset.symbol, b.quantity]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(held(await source.fetchBalances())).toEqual([['NEW', 7_000_000n]]);
    const cursor = JSON.stringify({ v: 2, next: 0, tokens: { [old.toLowerCase()]: { symbol: 'OLD', decimals: 18 } } });
    expect(held(await source.fetchBalances(cursor))).toEqual([
      ['NEW', 7_000_000n],
      ['OLD', parseUnits('5', 18)],
    ]);
  });
});
