import { readFileSync } from 'node:fs';
import {
  createPublicClient,
  createTestClient,
  createWalletClient,
  http,
  parseEther,
  type Abi,
  type Address,
  type Hash,
  type Hex,
  type PrivateKeyAccount,
} from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { namehash, normalize } from 'viem/ens';

type Artifact = { abi: Abi; bytecode: Hex };
const loadArtifact = (file: string) =>
  JSON.parse(readFileSync(new URL(`../fixtures/evm/${file}`, import.meta.url), 'utf8')) as Artifact;
const artifact = loadArtifact('test-token.json');
const multicallArtifact = loadArtifact('test-multicall.json');
const forwarderArtifact = loadArtifact('test-forwarder.json');
const ensResolverArtifact = loadArtifact('test-ens-universal-resolver.json');

/** The anvil node of this run, driven the way a wallet would: real signed transactions, real blocks. */
export class AnvilChain {
  readonly public;
  private readonly test;

  constructor(readonly rpcUrl: string) {
    // No cached block number: viem keeps one for `cacheTime` (the polling interval by default), and
    // under other files' traffic a test could read a head older than the receipt it just waited for.
    this.public = createPublicClient({ chain: foundry, transport: http(rpcUrl), pollingInterval: 20, cacheTime: 0 });
    this.test = createTestClient({ chain: foundry, mode: 'anvil', transport: http(rpcUrl) });
  }

  /** A fresh account (so test files sharing the node never collide), optionally given ETH out of thin air. */
  async newAccount(eth?: string): Promise<PrivateKeyAccount> {
    const account = privateKeyToAccount(generatePrivateKey());
    if (eth) await this.test.setBalance({ address: account.address, value: parseEther(eth) });
    return account;
  }

  wallet(account: PrivateKeyAccount) {
    return createWalletClient({ account, chain: foundry, transport: http(this.rpcUrl) });
  }

  async sendEth(from: PrivateKeyAccount, to: Address, eth: string): Promise<Hash> {
    return this.mined(await this.wallet(from).sendTransaction({ to, value: parseEther(eth) }));
  }

  /** Deploys the test ERC-20 (source beside its compiled JSON in fixtures/evm); the supply goes to `from`. */
  async deployToken(
    from: PrivateKeyAccount,
    name: string,
    symbol: string,
    decimals: number,
    supply: bigint,
  ): Promise<{ address: Address; hash: Hash }> {
    const hash = await this.wallet(from).deployContract({
      abi: artifact.abi,
      bytecode: artifact.bytecode,
      args: [name, symbol, decimals, supply],
    });
    const receipt = await this.public.waitForTransactionReceipt({ hash, pollingInterval: 20 });
    return { address: receipt.contractAddress!, hash };
  }

  /** Calls the token; `gas` set skips estimation, so a reverting call is still mined (and fails). */
  async callToken(
    from: PrivateKeyAccount,
    token: Address,
    functionName: 'transfer' | 'approve',
    args: [Address, bigint],
    gas?: bigint,
  ): Promise<Hash> {
    const hash = await this.wallet(from).writeContract({
      address: token,
      abi: artifact.abi,
      functionName,
      args,
      ...(gas ? { gas } : {}),
    });
    return this.mined(hash);
  }

  /** Deploys the Multicall3-compatible contract (fixtures/evm/TestMulticall.sol); answers its address. */
  async deployMulticall(from: PrivateKeyAccount): Promise<Address> {
    return this.deploy(from, multicallArtifact);
  }

  /** Deploys the contract that passes ETH on (fixtures/evm/TestForwarder.sol); answers its address. */
  async deployForwarder(from: PrivateKeyAccount): Promise<Address> {
    return this.deploy(from, forwarderArtifact);
  }

  /** Sends `eth` through the forwarder to `to`: `to` receives it in an internal transaction. `gas` set: mined even when it reverts. */
  async forward(from: PrivateKeyAccount, forwarder: Address, to: Address, eth: string, gas?: bigint): Promise<Hash> {
    const hash = await this.wallet(from).writeContract({
      address: forwarder,
      abi: forwarderArtifact.abi,
      functionName: 'forward',
      args: [to],
      value: parseEther(eth),
      ...(gas ? { gas } : {}),
    });
    return this.mined(hash);
  }

  /** Deploys the ENS Universal Resolver stand-in (fixtures/evm/TestEnsUniversalResolver.sol); answers its address. */
  async deployEnsResolver(from: PrivateKeyAccount): Promise<Address> {
    return this.deploy(from, ensResolverArtifact);
  }

  /** Registers `name` with the stand-in and sets its address for `coinType` (60: ETH; zero address: no record). */
  async setEnsAddress(
    from: PrivateKeyAccount,
    resolver: Address,
    name: string,
    address: Address,
    coinType = 60n,
  ): Promise<Hash> {
    const hash = await this.wallet(from).writeContract({
      address: resolver,
      abi: ensResolverArtifact.abi,
      functionName: 'setAddr',
      args: [namehash(normalize(name)), coinType, address],
    });
    return this.mined(hash);
  }

  private async deploy(from: PrivateKeyAccount, contract: Artifact): Promise<Address> {
    const hash = await this.wallet(from).deployContract({ abi: contract.abi, bytecode: contract.bytecode });
    const receipt = await this.public.waitForTransactionReceipt({ hash, pollingInterval: 20 });
    return receipt.contractAddress!;
  }

  async tokenBalance(token: Address, owner: Address): Promise<bigint> {
    return (await this.public.readContract({
      address: token,
      abi: artifact.abi,
      functionName: 'balanceOf',
      args: [owner],
    })) as bigint;
  }

  async fee(hash: Hash): Promise<bigint> {
    const receipt = await this.public.getTransactionReceipt({ hash });
    return receipt.gasUsed * receipt.effectiveGasPrice;
  }

  /** Waits until anvil mined the transaction (at once when alone; a moment when test files send at the same time). */
  private async mined(hash: Hash): Promise<Hash> {
    await this.public.waitForTransactionReceipt({ hash, pollingInterval: 20 });
    return hash;
  }
}

/** EVM_CHAINS with the anvil chain; without an `indexerUrl` in `extra` it is read by the block scan from block 0. */
export function anvilChainsEnv(rpcUrl: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify([
    {
      id: 'anvil',
      name: 'Anvil',
      chainId: 31337,
      rpcUrl,
      nativeSymbol: 'ETH',
      nativeName: 'Ether',
      confirmations: 0,
      startBlock: 0,
      ...extra,
    },
  ]);
}
