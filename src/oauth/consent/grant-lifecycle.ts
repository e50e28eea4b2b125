/** The consent that ended: the grant and whom it was between. */
export interface EndedGrant {
  grantId: string;
  userId: string;
}

export type GrantRevokedListener = (grant: EndedGrant) => Promise<void>;
export type ClientDeletedListener = (clientId: string) => Promise<void>;

/**
 * Tells whoever subscribed that a consent ended: a grant was revoked or a client deleted. The
 * authorization server names no product; products that keep something alive on a person's
 * consent (scheduling's webhooks) subscribe when they are wired. Listeners run in order and are
 * awaited, so the ending is complete when the request that caused it answers.
 */
export class GrantLifecycle {
  private readonly revokedListeners: GrantRevokedListener[] = [];
  private readonly deletedListeners: ClientDeletedListener[] = [];

  onGrantRevoked(listener: GrantRevokedListener): void {
    this.revokedListeners.push(listener);
  }

  onClientDeleted(listener: ClientDeletedListener): void {
    this.deletedListeners.push(listener);
  }

  async grantRevoked(grant: EndedGrant): Promise<void> {
    for (const listener of this.revokedListeners) await listener(grant);
  }

  async clientDeleted(clientId: string): Promise<void> {
    for (const listener of this.deletedListeners) await listener(clientId);
  }
}
