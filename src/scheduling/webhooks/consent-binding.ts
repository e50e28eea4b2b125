import type { Kernel } from '../../kernel/kernel.ts';
import type { AuthorizationServer } from '../../oauth/index.ts';
import { WebhookRepository } from './webhook-repository.ts';
import { CONSENT_ENDED_REASON } from './webhook.ts';

/**
 * Subscribes to the authorization server's grant lifecycle: a revoked grant or a deleted client
 * turns its apps' webhooks off at once (their queued deliveries are then skipped when they run).
 * A client deleted where nothing listens (the CLI) is caught at delivery time instead.
 */
export function bindWebhooksToConsent(
  kernel: Kernel,
  oauth: Pick<AuthorizationServer, 'onGrantRevoked' | 'onClientDeleted'>,
): void {
  const repo = new WebhookRepository(kernel.database.db);
  oauth.onGrantRevoked(
    async ({ grantId }) => void (await repo.disableByGrant(grantId, CONSENT_ENDED_REASON, kernel.clock.now())),
  );
  oauth.onClientDeleted(
    async (clientId) => void (await repo.disableByClient(clientId, CONSENT_ENDED_REASON, kernel.clock.now())),
  );
}
