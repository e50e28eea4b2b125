/**
 * The portfolio product (Calico-compatible Platform API, Connect widget, sync engine). Other
 * features and the composition root use only this file; its code loads through `load()`.
 */
import type { Product } from '../platform.ts';
import { portfolioDefinition } from './product.ts';

export const portfolioProduct: Product = {
  definition: portfolioDefinition,
  load: () => import('./plugin.ts'),
};
