export { schedulingProduct } from './product.ts';
export { schedulingRoutes, type SchedulingRouteDeps } from './plugin.ts';
export { schedulingWebhooksSection } from './developers-section.ts';
export { bindWebhooksToConsent } from './webhooks/consent-binding.ts';
