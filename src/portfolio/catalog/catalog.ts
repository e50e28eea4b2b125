import type { PortfolioSettings } from '../settings.ts';
import type { ProviderDefinition } from './provider-definition.ts';
import { CSV_FORMATS } from '../sources/csv/formats.ts';

/**
 * Every provider this deployment can link: each configured EVM chain, Bitcoin and CSV import.
 * Exchanges (API key, OAuth) join later as more entries of the same shape.
 */
export class Catalog {
  private readonly byId: Map<string, ProviderDefinition>;

  constructor(settings: PortfolioSettings) {
    const providers: ProviderDefinition[] = [
      ...settings.evmChains.map((chain): ProviderDefinition => ({
        providerId: chain.id, name: chain.name, category: 'blockchain', authTypes: ['wallet'], chains: [chain.id], source: { kind: 'evm', chainId: chain.id },
      })),
      { providerId: 'bitcoin', name: 'Bitcoin', category: 'blockchain', authTypes: ['wallet'], chains: ['bitcoin'], source: { kind: 'bitcoin' } },
      { providerId: 'csv', name: 'CSV import', category: 'exchange', authTypes: ['csv'], csvFormats: Object.keys(CSV_FORMATS), source: { kind: 'csv' } },
    ];
    this.byId = new Map(providers.map((p) => [p.providerId, p]));
  }

  all(): ProviderDefinition[] {
    return [...this.byId.values()];
  }

  find(providerId: string): ProviderDefinition | undefined {
    return this.byId.get(providerId);
  }
}
