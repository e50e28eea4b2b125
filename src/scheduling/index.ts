export { schedulingProduct } from './product.ts';
