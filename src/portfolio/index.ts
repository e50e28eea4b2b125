/**
 * The portfolio product (Calico-compatible Platform API, Connect widget, sync engine). Other
 * features and the composition root use only this file; its code loads through `load()`.
 */
import type { Product } from '../platform.ts';
import { portfolioDefinition } from './product.ts';

export const portfolioProduct: Product = {
  definition: (config) => portfolioDefinition({ requireFapi2: config.PORTFOLIO_REQUIRE_FAPI2 }),
  load: () => import('./plugin.ts'),
};
