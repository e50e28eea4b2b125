import { isBitcoinAddress, parseExtendedPublicKey } from '../../addresses/bitcoin-keys.ts';
import { checkEvmAddress } from '../../addresses/evm-address.ts';
import { badRequest, SourceError } from '../../errors.ts';
import type { ProviderDefinition } from '../../catalog/provider-definition.ts';
import type { SourceKind } from '../source-kind.ts';
import { ALL_EVM_NETWORKS } from './discover-networks.ts';
import { evmBlockScanSource } from './evm-block-scan.ts';
import { evmIndexerSource } from './evm-indexer-source.ts';

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
  validateWallet(provider, address, chain) {
    const id = provider.providerId;
    if (isBitcoinAddress(address) || parseExtendedPublicKey(address))
      throw badRequest(`${address} is a Bitcoin address or key, but ${provider.name} is an EVM chain`, id);
    const checked = checkEvmAddress(address);
    if (!checked.ok) throw badRequest(`the address ${checked.reason}`, id);
    return {
      chain,
      address: checked.address,
      kind: 'address',
      identityKey: `${chain}:${checked.address.toLowerCase()}`,
    };
  },
  open(provider, credentials, { settings }) {
    if (credentials.type !== 'wallet' || provider.providerId === ALL_EVM_NETWORKS)
      throw new SourceError('invalid', `provider ${provider.providerId} cannot read ${credentials.type} connections`);
    const chain = settings.evmChains.find((c) => c.id === provider.source.chainId);
    if (!chain) throw new SourceError('invalid', `chain ${provider.source.chainId} is no longer configured`);
    if (chain.indexer)
      return evmIndexerSource({
        chain: { ...chain, indexer: chain.indexer },
        address: credentials.address,
        pageSize: settings.evmIndexerPageSize,
        timeoutMs: settings.sourceTimeoutMs,
      });
    return evmBlockScanSource({
      chain,
      address: credentials.address,
      blocksPerStep: settings.evmBlocksPerSync,
      timeoutMs: settings.sourceTimeoutMs,
    });
  },
};
