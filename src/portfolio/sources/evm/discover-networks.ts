import { SourceError } from '../../errors.ts';
import type { EvmChain } from '../../settings.ts';
import { AccountApi } from './indexer/account-api.ts';

/** The catalogue entry that links one EVM address on every network where it has activity. */
export const ALL_EVM_NETWORKS = 'evm';

export type NetworkActivity =
  { chainId: string; active: boolean } | { chainId: string; active?: undefined; error: string };

/**
 * Which networks an address has used, for linking it on "all networks" (one connection per
 * network with activity): per chain with an indexer, its oldest normal transaction (one record,
 * one call); an address that never sent and was never sent ETH directly may still have received
 * tokens, so an empty answer asks for its oldest token transfer too. The chains are asked at
 * once, each within its indexer's rate limit; a chain whose indexer fails is reported, not guessed.
 * Chains without an indexer are left out (the block scan cannot answer cheaply).
 */
export async function discoverNetworks(
  chains: EvmChain[],
  address: string,
  timeoutMs: number,
): Promise<NetworkActivity[]> {
  const indexed = chains.filter((c) => c.indexer);
  return Promise.all(
    indexed.map(async (chain): Promise<NetworkActivity> => {
      const api = new AccountApi({ indexer: chain.indexer!, timeoutMs });
      const oldest = (action: 'txlist' | 'tokentx') =>
        api.list({ action, address, startBlock: 0, endBlock: 999_999_999, page: 1, offset: 1, sort: 'asc' });
      try {
        const active = (await oldest('txlist')).length > 0 || (await oldest('tokentx')).length > 0;
        return { chainId: chain.id, active };
      } catch (error) {
        if (error instanceof SourceError) return { chainId: chain.id, error: error.message };
        throw error;
      }
    }),
  );
}
