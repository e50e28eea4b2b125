export { portfolioProduct } from './product.ts';
