import type { Catalog } from '../catalog/catalog.ts';
import type { ProviderDefinition } from '../catalog/provider-definition.ts';
import type { PortfolioSettings } from '../settings.ts';
import { ALL_EVM_NETWORKS } from '../sources/evm/discover-networks.ts';
import { matchesSearch } from './browser/search-terms.ts';

/** The picker's groups, in the order they are shown. */
export const PICKER_GROUPS = [
  { id: 'exchanges', title: 'Exchanges' },
  { id: 'wallets', title: 'Wallets and blockchains' },
  { id: 'files', title: 'File import' },
] as const;
export type PickerGroup = (typeof PICKER_GROUPS)[number]['id'];

/**
 * The wallet tile that takes any address and detects its network (not a catalogue entry: the
 * catalogue's wallet providers are networks). Its form is /connect/link/:id/provider/wallet.
 */
export const ANY_WALLET = 'wallet';

/** One tile of the picker. */
export interface PickerEntry {
  /** The provider page's `:provider` (a catalogue id, or ANY_WALLET). */
  id: string;
  name: string;
  /** How it links, in a few words. */
  hint: string;
  logoUrl: string;
  group: PickerGroup;
  /** What the search matches besides the name: ids, coin symbols, wallet apps people know. */
  terms: string;
}

/** Wallet apps whose addresses each network takes: people search for the app they use. */
const WALLET_APPS: Record<string, string> = {
  evm: 'metamask rabby rainbow coinbase wallet ledger trezor safe',
  bitcoin: 'ledger trezor electrum sparrow xpub zpub btc',
  solana: 'phantom solflare backpack sol',
};

/** The picker's tiles, driven by the catalogue: every exchange, network and file format it serves. */
export function pickerEntries(catalog: Catalog, settings: PortfolioSettings): PickerEntry[] {
  const providers = catalog.all();
  const wallets = providers.filter((p) => p.authTypes.includes('wallet'));
  const entries: PickerEntry[] = [];
  for (const p of providers) {
    if (p.apiKey || p.authTypes.includes('oauth2'))
      entries.push(entry(p, 'exchanges', p.authTypes.includes('oauth2') ? 'Sign in or API key' : 'API key'));
  }
  if (wallets.length > 0)
    entries.push({
      id: ANY_WALLET,
      name: 'Wallet address',
      hint: 'Any network',
      logoUrl: '/connect/assets/wallet.svg',
      group: 'wallets',
      terms: `wallet address ens ${Object.values(WALLET_APPS).join(' ')} ${wallets.map((w) => w.name).join(' ')}`,
    });
  // "All EVM networks" first among the networks: the one choice that needs no knowledge of where the coins are.
  const networks = [...wallets].sort(
    (a, b) => Number(b.providerId === ALL_EVM_NETWORKS) - Number(a.providerId === ALL_EVM_NETWORKS),
  );
  for (const p of networks) entries.push(entry(p, 'wallets', networkHint(p, catalog), networkTerms(p, settings)));
  for (const p of providers)
    if (p.authTypes.includes('csv'))
      entries.push(entry(p, 'files', 'Upload an export', `file spreadsheet export upload ${p.csvFormats?.join(' ')}`));
  return entries;
}

/** The entries whose name or terms match the search (all of them for an empty one). */
export function searchEntries(entries: PickerEntry[], query: string): PickerEntry[] {
  return entries.filter((e) => matchesSearch(searchTermsOf(e), query));
}

/** Everything the search looks at, as the tile carries it for the script. */
export function searchTermsOf(entry: PickerEntry): string {
  return `${entry.name} ${entry.id} ${entry.terms}`;
}

function entry(p: ProviderDefinition, group: PickerGroup, hint: string, terms = ''): PickerEntry {
  return {
    id: p.providerId,
    name: p.name,
    hint,
    logoUrl: p.logoUrl ?? '',
    group,
    terms: `${group === 'exchanges' ? 'exchange' : ''} ${terms}`.trim(),
  };
}

function networkHint(p: ProviderDefinition, catalog: Catalog): string {
  if (p.providerId === ALL_EVM_NETWORKS) {
    const names = (p.chains ?? []).map((id) => catalog.find(id)?.name ?? id);
    return names.length > 2 ? `${names.slice(0, 2).join(', ')} and more at once` : `${names.join(' and ')} at once`;
  }
  return p.source.kind === 'bitcoin' ? 'Address or xpub' : 'Wallet address';
}

function networkTerms(p: ProviderDefinition, settings: PortfolioSettings): string {
  const chain = settings.evmChains.find((c) => c.id === p.providerId);
  const coins = chain ? `${chain.nativeSymbol} ${chain.nativeName}` : '';
  const all =
    p.providerId === ALL_EVM_NETWORKS ? settings.evmChains.map((c) => `${c.name} ${c.nativeSymbol}`).join(' ') : '';
  return `wallet ${p.source.kind} ${WALLET_APPS[p.source.kind] ?? ''} ${coins} ${all}`;
}
