import type { PortfolioSettings } from '../settings.ts';
import { SOURCE_KINDS } from '../sources/source-kinds.ts';
import { logoPathOf } from './logo-path.ts';
import type { ProviderDefinition } from './provider-definition.ts';

/** Every provider this deployment can link: what each source kind offers under its settings. */
export class Catalog {
  private readonly byId: Map<string, ProviderDefinition>;

  constructor(settings: PortfolioSettings) {
    // Every entry has a logo: its own, or our monogram (the widget's picker shows one per tile).
    this.byId = new Map(
      SOURCE_KINDS.flatMap((kind) => kind.providers(settings)).map((p) => [
        p.providerId,
        { ...p, logoUrl: p.logoUrl ?? logoPathOf(p.providerId) },
      ]),
    );
  }

  all(): ProviderDefinition[] {
    return [...this.byId.values()];
  }

  find(providerId: string): ProviderDefinition | undefined {
    return this.byId.get(providerId);
  }
}
