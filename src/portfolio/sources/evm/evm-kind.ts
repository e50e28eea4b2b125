import { loadBitcoinKeys, loadEvmAddress, loadSolanaKit } from '../../addresses/address-libraries.ts';
import { ENS_CHAIN_ID } from '../../evm-chain-settings.ts';
import { badRequest, SourceError } from '../../errors.ts';
import type { ProviderDefinition } from '../../catalog/provider-definition.ts';
import type { SourceKind } from '../source-kind.ts';
import { ALL_EVM_NETWORKS } from './discover-networks.ts';
import { isEnsName } from './ens-name-syntax.ts';

/** Every configured EVM chain, one provider each, read by address. */
export const evmKind: SourceKind = {
  kind: 'evm',
  providers: (settings) => {
    const each = settings.evmChains.map((chain): ProviderDefinition => ({
      providerId: chain.id,
      name: chain.name,
      category: 'blockchain',
      authTypes: ['wallet'],
      chains: [chain.id],
      source: { kind: 'evm', chainId: chain.id },
    }));
    // "All networks" asks the indexers which networks an address used: only indexed chains can answer.
    const indexed = settings.evmChains.filter((c) => c.indexer).map((c) => c.id);
    const all: ProviderDefinition = {
      providerId: ALL_EVM_NETWORKS,
      name: 'All EVM networks',
      category: 'wallet',
      authTypes: ['wallet'],
      chains: indexed,
      source: { kind: 'evm' },
    };
    return indexed.length > 1 ? [all, ...each] : each;
  },
  async validateWallet(provider, address, chain) {
    const id = provider.providerId;
    const [{ isBitcoinAddress, parseExtendedPublicKey }, { isAddress: isSolanaAddress }, { checkEvmAddress }] =
      await Promise.all([loadBitcoinKeys(), loadSolanaKit(), loadEvmAddress()]);
    // Another chain's address: name the network to link it on instead.
    if (isBitcoinAddress(address) || parseExtendedPublicKey(address))
      throw badRequest(
        `${address} is a Bitcoin address or key, but ${provider.name} is an EVM chain; link it on the Bitcoin network (provider_id "bitcoin")`,
        id,
      );
    if (isSolanaAddress(address))
      throw badRequest(
        `${address} is a Solana address, but ${provider.name} is an EVM chain; link it on the Solana network (provider_id "solana")`,
        id,
      );
    const checked = checkEvmAddress(address);
    if (!checked.ok) {
      const hex = /^0x[0-9a-fA-F]{40}$/.test(address);
      throw badRequest(`the address ${checked.reason}${hex ? '' : ' or an ENS name such as name.eth'}`, id);
    }
    return {
      chain,
      address: checked.address,
      kind: 'address',
      identityKey: `${chain}:${checked.address.toLowerCase()}`,
    };
  },
  async resolveName(provider, text, chain, { settings }) {
    if (!isEnsName(text)) return undefined;
    const linkedOn = settings.evmChains.find((c) => c.id === chain);
    if (!linkedOn) throw badRequest(`chain ${chain} is no longer configured`, provider.providerId);
    const { resolveEnsName } = await import('./ens-names.ts');
    return resolveEnsName(text, provider.providerId, {
      ethereum: settings.evmChains.find((c) => c.id === ENS_CHAIN_ID),
      linkedOn,
      timeoutMs: settings.sourceTimeoutMs,
    });
  },
  async open(provider, credentials, { settings }) {
    if (credentials.type !== 'wallet' || provider.providerId === ALL_EVM_NETWORKS)
      throw new SourceError('invalid', `provider ${provider.providerId} cannot read ${credentials.type} connections`);
    const chain = settings.evmChains.find((c) => c.id === provider.source.chainId);
    if (!chain) throw new SourceError('invalid', `chain ${provider.source.chainId} is no longer configured`);
    if (chain.indexer) {
      const { evmIndexerSource } = await import('./evm-indexer-source.ts');
      return evmIndexerSource({
        chain: { ...chain, indexer: chain.indexer },
        address: credentials.address,
        pageSize: settings.evmIndexerPageSize,
        timeoutMs: settings.sourceTimeoutMs,
      });
    }
    const { evmBlockScanSource } = await import('./evm-block-scan.ts');
    return evmBlockScanSource({
      chain,
      address: credentials.address,
      blocksPerStep: settings.evmBlocksPerSync,
      timeoutMs: settings.sourceTimeoutMs,
    });
  },
};
