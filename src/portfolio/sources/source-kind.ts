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
  /** Duplicate-link key (of the address, so a name and its address are one wallet). */
  identityKey: string;
  /** The name it was given by (an ENS name), resolved to `address` once, at link time. */
  name?: string;
}

/** What a name typed into an address field stands for. */
export interface NamedAddress {
  /** The name as resolved (normalized). */
  name: string;
  address: string;
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
  validateWallet?(provider: ProviderDefinition, address: string, chain: string): Promise<WalletIdentity>;
  /**
   * Wallet kinds with a naming service (ENS on EVM networks): the address `text` names on
   * `chain`, or undefined when `text` is no name (it is then checked as an address).
   * @throws ApiError 400 (an invalid or unresolvable name), 503 (the naming service's node unreachable)
   */
  resolveName?(
    provider: ProviderDefinition,
    text: string,
    chain: string,
    context: SourceContext,
  ): Promise<NamedAddress | undefined>;
  /**
   * Checks credentials with a real read call before anything is stored (an exchange key: it
   * signs, it reads, it cannot trade or withdraw). @throws ApiError naming the problem.
   */
  verifyCredentials?(provider: ProviderDefinition, credentials: Credentials, context: SourceContext): Promise<void>;
  /**
   * The adapter for one connection's credentials (its reading code, and the libraries it needs,
   * are loaded on first use); @throws SourceError('invalid') when they do not fit.
   */
  open(provider: ProviderDefinition, credentials: Credentials, context: SourceContext): Promise<SourceAdapter>;
}
