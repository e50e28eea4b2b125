/**
 * The scheduling product's code, loaded only on a node that serves it (see index.ts): API v2 at
 * /api/v2, the MCP server at /api/mcp, the hosts' pages at /scheduling, public booking pages at
 * /{host}/{event}, the webhook block of /developers, and its durable jobs.
 */
import type { PlatformDeps, ProductAttachment } from '../platform.ts';
import { registerSchedulingApi } from './api/register-api.ts';
import { registerSchedulingJobs, requeuePendingDeliveries } from './jobs.ts';
import { registerMcp } from './mcp/register-mcp.ts';
import { webhooksSectionFor } from './pages/developers/webhooks-section.ts';
import { registerSchedulingPages } from './pages/register-pages.ts';
import { schedulingServices } from './scheduling-services.ts';
import { bindWebhooksToConsent } from './webhooks/consent-binding.ts';

export function attach({ kernel, oauth, accounts, csrf }: PlatformDeps): ProductAttachment {
  const s = schedulingServices(kernel, oauth, accounts, kernel.log);
  registerSchedulingJobs(s);
  bindWebhooksToConsent(kernel, oauth);
  return {
    // Its forms post to /developers/webhooks/… (registered with the pages) and come back to /developers.
    developerSections: [webhooksSectionFor(s, '/developers')],
    nav: { entry: 'scheduling', href: '/scheduling', label: 'Scheduling' },
    apiDocs: [
      {
        title: 'Scheduling API v2',
        path: '/api/v2',
        document: '/api/v2/openapi.json',
        description: 'Caledee-compatible: profile, event types, schedules, availability, bookings, webhooks.',
      },
    ],
    routes: async (app) => {
      app.addHook('onReady', async () => requeuePendingDeliveries(s));
      app.addHook('onClose', async () => s.mailer.close());
      await registerSchedulingApi(app, s);
      await registerMcp(app, s);
      await registerSchedulingPages(app, { s, accounts, csrf });
    },
  };
}
