import type { ProviderDefinition } from '../catalog/provider-definition.ts';
import type { Credentials } from '../connections/connection.ts';
import { SourceError } from '../errors.ts';
import type { PortfolioSettings } from '../settings.ts';
import { bitcoinSource } from './bitcoin/bitcoin-source.ts';
import { csvSource } from './csv/csv-source.ts';
import { evmSource } from './evm/evm-source.ts';
import type { SourceAdapter } from './source.ts';

export type SourceFactory = (provider: ProviderDefinition, credentials: Credentials) => SourceAdapter;

export interface SourceDeps {
  now(): number;
}

/** The adapter that reads one provider kind with one connection's credentials. */
export function sourceFactory(settings: PortfolioSettings, deps: SourceDeps): SourceFactory {
  return (provider, credentials) => {
    const { source } = provider;
    if (source.kind === 'csv' && credentials.type === 'csv') return csvSource(credentials.format, credentials.content, { maxRows: settings.csvMaxRows });
    if (source.kind === 'evm' && credentials.type === 'wallet') {
      const chain = settings.evmChains.find((c) => c.id === source.chainId);
      if (!chain) throw new SourceError('invalid', `chain ${source.chainId} is no longer configured`);
      return evmSource({ chain, address: credentials.address, blocksPerStep: settings.evmBlocksPerSync, timeoutMs: settings.sourceTimeoutMs });
    }
    if (source.kind === 'bitcoin' && credentials.type === 'wallet') {
      return bitcoinSource({ baseUrl: settings.esploraUrl, address: credentials.address, kind: credentials.kind, gapLimit: settings.bitcoinGapLimit, timeoutMs: settings.sourceTimeoutMs, now: deps.now });
    }
    throw new SourceError('invalid', `provider ${provider.providerId} cannot read ${credentials.type} connections`);
  };
}
