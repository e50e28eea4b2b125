import type { ProviderDefinition } from '../catalog/provider-definition.ts';
import type { Credentials } from '../connections/connection.ts';
import { SourceError } from '../errors.ts';
import type { PortfolioSettings } from '../settings.ts';
import type { NamedAddress } from './source-kind.ts';
import type { SourceAdapter } from './source.ts';
import { sourceKind } from './source-kinds.ts';

export type SourceFactory = (
  provider: ProviderDefinition,
  credentials: Credentials,
  connectionId?: string,
) => Promise<SourceAdapter>;

export interface SourceDeps {
  now(): number;
  /** Stores a connection's new credentials (rotated OAuth tokens). */
  saveCredentials?(connectionId: string, credentials: Credentials): Promise<void>;
}

/** The adapter that reads one provider with one connection's credentials, from its source kind. */
export function sourceFactory(settings: PortfolioSettings, deps: SourceDeps): SourceFactory {
  return async (provider, credentials, connectionId) => {
    const kind = sourceKind(provider.source.kind);
    if (!kind)
      throw new SourceError(
        'invalid',
        `provider ${provider.providerId} has no source kind ${provider.source.kind} in this build`,
      );
    const save = deps.saveCredentials;
    return kind.open(provider, credentials, {
      settings,
      now: deps.now,
      ...(save && connectionId ? { saveCredentials: (c: Credentials) => save(connectionId, c) } : {}),
    });
  };
}

export type CredentialVerifier = (provider: ProviderDefinition, credentials: Credentials) => Promise<void>;

/** Checks new credentials with their source kind (a real read call) before a link is stored. */
export function credentialVerifier(settings: PortfolioSettings, deps: SourceDeps): CredentialVerifier {
  return async (provider, credentials) => {
    await sourceKind(provider.source.kind)?.verifyCredentials?.(provider, credentials, { settings, now: deps.now });
  };
}

export type WalletNameResolver = (
  provider: ProviderDefinition,
  text: string,
  chain: string,
) => Promise<NamedAddress | undefined>;

/** Resolves a name typed where an address goes (ENS on EVM networks) through its source kind. */
export function walletNameResolver(settings: PortfolioSettings, deps: SourceDeps): WalletNameResolver {
  return async (provider, text, chain) =>
    sourceKind(provider.source.kind)?.resolveName?.(provider, text, chain, { settings, now: deps.now });
}
