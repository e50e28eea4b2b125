/** App logos served from our own origin (/logos/:clientId), and the <img> that shows them. */
export { logoRoutes } from './routes.ts';
export { logoImage, logoPath } from '../../ui/logo-image.ts';
