import type { PortfolioSettings } from '../settings.ts';
import { SOURCE_KINDS } from '../sources/source-kinds.ts';
import type { ProviderDefinition } from './provider-definition.ts';

/** Every provider this deployment can link: what each source kind offers under its settings. */
export class Catalog {
  private readonly byId: Map<string, ProviderDefinition>;

  constructor(settings: PortfolioSettings) {
    this.byId = new Map(SOURCE_KINDS.flatMap((kind) => kind.providers(settings)).map((p) => [p.providerId, p]));
  }

  all(): ProviderDefinition[] {
    return [...this.byId.values()];
  }

  find(providerId: string): ProviderDefinition | undefined {
    return this.byId.get(providerId);
  }
}
