import type { Catalog } from '../catalog/catalog.ts';
import type { ProviderDefinition } from '../catalog/provider-definition.ts';
import { ALL_EVM_NETWORKS } from '../sources/evm/discover-networks.ts';
import { withArticle } from './views/sentence.ts';
import { addressShape, KIND_OF_SHAPE, SECRET_WARNING, SHAPE_WORDS } from './browser/address-shape.ts';

/** The wallet form's "Network" value that asks the server to tell the network from the address. */
export const DETECT_NETWORK = 'detect';

/**
 * Where a wallet address goes, decided before linking:
 * - `link`: the chosen network, or the one the address shows when the person left it to us;
 * - `suggest`: the person chose a network the address cannot be on (a bc1… address on Ethereum):
 *   nothing is linked, the form comes back with the right network chosen and says so (one press
 *   links it), since silently linking elsewhere than asked would surprise;
 * - `refuse`: a secret (never echoed back), a network this deployment does not serve, or an
 *   address whose network cannot be told.
 */
export type WalletNetwork =
  | { outcome: 'link'; providerId: string }
  | { outcome: 'suggest'; providerId: string; message: string }
  | { outcome: 'refuse'; message: string; secret?: true };

export function chooseWalletNetwork(catalog: Catalog, address: string, chosen: string | undefined): WalletNetwork {
  const shape = addressShape(address);
  if (shape === 'secret') return { outcome: 'refuse', message: SECRET_WARNING, secret: true };
  const selected = chosen && chosen !== DETECT_NETWORK ? catalog.find(chosen) : undefined;
  if (chosen && chosen !== DETECT_NETWORK && !selected?.authTypes.includes('wallet'))
    return { outcome: 'refuse', message: 'Choose one of the networks in the list.' };
  if (!shape) {
    if (selected) return { outcome: 'link', providerId: selected.providerId }; // its own checks will say what is wrong
    return {
      outcome: 'refuse',
      message: 'We couldn’t tell which network this address is on. Check it for typos, or choose the network below.',
    };
  }
  const kind = KIND_OF_SHAPE[shape];
  if (selected?.source.kind === kind) return { outcome: 'link', providerId: selected.providerId };
  const fits = defaultNetworkFor(catalog, kind);
  if (!fits) return { outcome: 'refuse', message: `This is ${SHAPE_WORDS[shape]}, and those can’t be linked here.` };
  if (!selected) return { outcome: 'link', providerId: fits.providerId };
  return {
    outcome: 'suggest',
    providerId: fits.providerId,
    message: `This is ${SHAPE_WORDS[shape]}, not ${withArticle(selected.providerId === ALL_EVM_NETWORKS ? 'EVM' : selected.name)} one. We chose ${fits.name} for you: press “Link wallet” to link it there.`,
  };
}

/** The network an address of this kind goes to when the person did not say: all EVM networks at once where served. */
export function defaultNetworkFor(catalog: Catalog, kind: string): ProviderDefinition | undefined {
  const wallets = catalog.all().filter((p) => p.authTypes.includes('wallet') && p.source.kind === kind);
  return wallets.find((p) => p.providerId === ALL_EVM_NETWORKS) ?? wallets[0];
}
