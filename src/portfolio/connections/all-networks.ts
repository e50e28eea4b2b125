import type { Catalog } from '../catalog/catalog.ts';
import type { ProviderDefinition } from '../catalog/provider-definition.ts';
import { badRequest, type ErrorItem } from '../errors.ts';
import { ALL_EVM_NETWORKS, type NetworkActivity } from '../sources/evm/discover-networks.ts';
import { validateWallet } from '../addresses/validate-wallet.ts';
import type { PreparedLink } from './prepare-link.ts';

export { ALL_EVM_NETWORKS };

export interface AllNetworksPlan {
  /** One link per network with activity that is not linked yet. */
  links: PreparedLink[];
  /** Networks whose indexer could not say (`provider_unavailable`): linking again later retries them. */
  errors: ErrorItem[];
  /** Networks with activity that were already linked for this person. */
  alreadyLinked: string[];
}

export interface AllNetworksDeps {
  catalog: Catalog;
  discover(address: string): Promise<NetworkActivity[]>;
  isLinked(providerId: string, identityKey: string): Promise<boolean>;
}

/**
 * Turns a checked "all networks" link (`evm`, its address resolved and validated) into one link
 * per network: the networks' indexers are asked at once which have seen the address, and each
 * network with activity becomes its own connection (own cursor, status and errors, so one slow or
 * failing network never holds up the others). An address with no activity anywhere is linked on
 * the first network, so it is followed from its first transaction there. Networks already linked
 * are skipped; only when every active one is, the link is a duplicate.
 */
export async function planAllNetworks(evm: PreparedLink, deps: AllNetworksDeps): Promise<AllNetworksPlan> {
  if (evm.credentials.type !== 'wallet') throw badRequest('all networks takes a wallet address', ALL_EVM_NETWORKS);
  const { address } = evm.credentials;
  const networks = (evm.provider.chains ?? []).flatMap((id) => deps.catalog.find(id) ?? []);
  const activity = await deps.discover(address);
  const errors: ErrorItem[] = activity.flatMap((a) =>
    'error' in a
      ? [
          {
            provider_id: a.chainId,
            cause: 'provider_unavailable' as const,
            message: `could not tell whether the address was used on ${nameOf(networks, a.chainId)}: ${a.error}`,
          },
        ]
      : [],
  );
  const active = networks.filter((n) => activity.some((a) => a.chainId === n.providerId && a.active));
  const chosen = active.length || errors.length ? active : networks.slice(0, 1);
  const links: PreparedLink[] = [];
  const alreadyLinked: string[] = [];
  for (const network of chosen) {
    const link = await onNetwork(evm, network);
    if (await deps.isLinked(network.providerId, link.identityKey)) alreadyLinked.push(network.providerId);
    else links.push(link);
  }
  return { links, errors, alreadyLinked };
}

/**
 * The same address (and ENS name, label) linked on one network. A name was resolved once, to its
 * Ethereum address, which one key controls on every EVM network.
 */
async function onNetwork(evm: PreparedLink, network: ProviderDefinition): Promise<PreparedLink> {
  if (evm.credentials.type !== 'wallet') throw new Error('a wallet link was expected');
  const identity = await validateWallet(network, evm.credentials.address, undefined, async () => undefined);
  // The default label names the catalogue entry ("All EVM networks 0x12…"); each network names itself.
  const prefix = `${evm.provider.name} `;
  const label = evm.displayLabel.startsWith(prefix)
    ? `${network.name} ${evm.displayLabel.slice(prefix.length)}`
    : evm.displayLabel;
  return {
    provider: network,
    credentials: { ...evm.credentials, ...identity },
    identityKey: identity.identityKey,
    displayLabel: label,
  };
}

function nameOf(networks: ProviderDefinition[], id: string): string {
  return networks.find((n) => n.providerId === id)?.name ?? id;
}
