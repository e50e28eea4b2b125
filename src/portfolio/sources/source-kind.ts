import type { ProviderDefinition } from '../catalog/provider-definition.ts';
import type { Credentials } from '../connections/connection.ts';
import type { PortfolioSettings } from '../settings.ts';
import type { SourceAdapter } from './source.ts';

/** A wallet address checked for one provider's chain. */
export interface WalletIdentity {
  chain: string;
  /** Normalized: EIP-55 checksummed EVM address, Bitcoin address or xpub as given. */
  address: string;
  kind: 'address' | 'xpub';
  /** Duplicate-link key. */
  identityKey: string;
}

export interface SourceContext {
  settings: PortfolioSettings;
  now(): number;
  /** Stores new credentials for the connection being read (rotated OAuth tokens), sealed. */
  saveCredentials?(credentials: Credentials): Promise<void>;
}

/**
 * One kind of source (an EVM chain, Bitcoin, CSV import; next exchanges): the catalogue entries
 * it offers and the adapter that reads one connection. Adding a source is one folder with one of
 * these plus its line in source-kinds.ts; the sync engine never changes.
 */
export interface SourceKind {
  kind: string;
  /** The providers of this kind under this deployment's settings. */
  providers(settings: PortfolioSettings): ProviderDefinition[];
  /** Wallet kinds: checks an address (or key) for `chain`; @throws ApiError 400 naming the problem. */
  validateWallet?(provider: ProviderDefinition, address: string, chain: string): WalletIdentity;
  /**
   * Checks credentials with a real read call before anything is stored (an exchange key: it
   * signs, it reads, it cannot trade or withdraw). @throws ApiError naming the problem.
   */
  verifyCredentials?(provider: ProviderDefinition, credentials: Credentials, context: SourceContext): Promise<void>;
  /** The adapter for one connection's credentials; @throws SourceError('invalid') when they do not fit. */
  open(provider: ProviderDefinition, credentials: Credentials, context: SourceContext): SourceAdapter;
}
