import type { AppContext } from '../../context.ts';
import { WebhookRepository } from './webhook-repository.ts';
import { CONSENT_ENDED_REASON } from './webhook.ts';

const bound = new WeakSet<AppContext>();

/**
 * Subscribes to the authorization server's grant lifecycle: a revoked grant or a deleted client
 * turns its apps' webhooks off at once (their queued deliveries are then skipped when they run).
 * Once per platform instance; the CLI calls it too, so `clients delete` does the same.
 */
export function bindWebhooksToConsent(ctx: AppContext): void {
  if (bound.has(ctx)) return;
  bound.add(ctx);
  const repo = new WebhookRepository(ctx.database.db);
  ctx.grantLifecycle.onGrantRevoked(async ({ grantId }) => void (await repo.disableByGrant(grantId, CONSENT_ENDED_REASON, ctx.clock.now())));
  ctx.grantLifecycle.onClientDeleted(async (clientId) => void (await repo.disableByClient(clientId, CONSENT_ENDED_REASON, ctx.clock.now())));
}
