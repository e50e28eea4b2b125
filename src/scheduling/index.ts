/**
 * The scheduling product (Caledee-compatible API v2, MCP server, booking pages, webhooks). Other
 * features and the composition root use only this file; its code loads through `load()`.
 */
import type { Product } from '../platform.ts';
import { schedulingDefinition } from './product.ts';

export const schedulingProduct: Product = {
  definition: () => schedulingDefinition,
  load: () => import('./plugin.ts'),
};
