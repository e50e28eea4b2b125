import type { FastifyBaseLogger } from 'fastify';
import type { Accounts } from '../accounts/index.ts';
import type { AppContext } from '../context.ts';
import { webhooksSectionFor, type WebhooksSection } from './pages/developers/webhooks-section.ts';
import { schedulingServices } from './scheduling-services.ts';

/**
 * The webhook block for /developers: `({user, csrfToken}) => Promise<Html>`. Its forms post to
 * /developers/webhooks/… (registered by `schedulingRoutes`) and come back to /developers.
 */
export function schedulingWebhooksSection(ctx: AppContext, accounts: Accounts, log: FastifyBaseLogger): WebhooksSection {
  return webhooksSectionFor(schedulingServices(ctx, accounts, log), '/developers');
}
