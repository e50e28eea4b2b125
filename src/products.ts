import type { Config } from './config.ts';
import type { Product } from './platform.ts';

/**
 * Every product this build knows, each behind a dynamic import: a node imports only the
 * products PRODUCTS names (and of those, only the definition until the product is attached).
 */
const CATALOGUE: Record<string, () => Promise<Product>> = {
  portfolio: async () => (await import('./portfolio/index.ts')).portfolioProduct,
  scheduling: async () => (await import('./scheduling/index.ts')).schedulingProduct,
};

/** The products PRODUCTS names, in its order; an unknown name stops the start. */
export async function servedProducts(config: Config): Promise<Product[]> {
  const names = config.PRODUCTS.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const name of names) {
    if (!(name in CATALOGUE))
      throw new Error(`PRODUCTS names an unknown product: ${name} (known: ${Object.keys(CATALOGUE).join(', ')})`);
  }
  return Promise.all(names.map((name) => CATALOGUE[name]!()));
}
