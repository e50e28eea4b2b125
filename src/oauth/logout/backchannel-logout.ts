import type { EndedSession } from '../../accounts/index.ts';
import { EgressError, egressRequest, type Resolver } from '../../kernel/egress/index.ts';
import type { OAuthContext } from '../oauth-context.ts';
import { allowLoopbackBackchannel } from '../oauth-context.ts';
import { signLogoutToken } from './logout-token.ts';
import { SessionClientRepository } from './session-client-repository.ts';

export const BACKCHANNEL_LOGOUT_JOB = 'oauth.backchannel-logout';

/** One client to tell that one session ended. */
export interface LogoutDelivery {
  clientId: string;
  userId: string;
  sessionId: string;
}

/** Thrown to make the job queue try the delivery again later (2 s, doubling). */
export class RetryLogoutDelivery extends Error {}

/**
 * OIDC Back-Channel Logout 1.0: when a sign-in session ends, every client that authenticated
 * the person in it and registered a `backchannel_logout_uri` receives a logout token, POSTed
 * through the egress guard by a durable job retried on failure.
 * @see https://openid.net/specs/openid-connect-backchannel-1_0.html
 */
export class BackchannelLogout {
  private readonly sessionClients: SessionClientRepository;

  constructor(
    private readonly ctx: OAuthContext,
    private readonly options: { resolver?: Resolver } = {},
  ) {
    this.sessionClients = new SessionClientRepository(ctx.database.db);
  }

  /** Registers the delivery job's handler on the kernel's queue. */
  register(): void {
    this.ctx.jobs.handle<LogoutDelivery>(BACKCHANNEL_LOGOUT_JOB, (delivery) => this.deliver(delivery), {
      backoffMs: 2000,
      maxAttempts: this.ctx.config.BACKCHANNEL_LOGOUT_MAX_ATTEMPTS,
    });
  }

  /**
   * The accounts feature's listener: queues one delivery per client of the ended sessions, then
   * forgets them. Never throws — the sign-out itself already happened and stands.
   */
  async sessionsEnded(ended: EndedSession[]): Promise<void> {
    try {
      const sessionIds = ended.map((e) => e.sessionId);
      const clients = await this.sessionClients.listForSessions(sessionIds);
      for (const client of clients) {
        if (!client.backchannelLogoutUri) continue;
        const delivery: LogoutDelivery = {
          clientId: client.clientId,
          userId: client.userId,
          sessionId: client.sessionId,
        };
        await this.ctx.jobs.enqueue(BACKCHANNEL_LOGOUT_JOB, delivery, {
          key: `${client.clientId}:${client.sessionId}`,
        });
      }
      await this.sessionClients.deleteForSessions(sessionIds);
    } catch (error) {
      this.ctx.log.error({ err: error }, 'back-channel logout could not be queued');
    }
  }

  /**
   * One attempt (the job handler): a fresh logout token each time, so a retry never carries an
   * expired one. A 2xx answer is success (§2.8); anything else, or no answer, is retried. A client
   * deleted or no longer registering a URI since is skipped.
   */
  async deliver(delivery: LogoutDelivery): Promise<void> {
    const client = await this.ctx.clients.findById(delivery.clientId);
    if (!client?.backchannelLogoutUri) return;
    const token = await signLogoutToken(await this.ctx.keys.signingKey(), {
      issuer: this.ctx.config.ISSUER,
      clientId: client.id,
      subject: delivery.userId,
      sessionId: delivery.sessionId,
      nowMs: this.ctx.clock.now(),
    });
    const outcome = await this.post(client.backchannelLogoutUri, token);
    if (outcome !== 'ok') {
      this.ctx.log.info({ client: client.id, outcome }, 'back-channel logout delivery failed; it is retried');
      throw new RetryLogoutDelivery(`back-channel logout to ${client.id} failed: ${outcome}`);
    }
  }

  /** Only the status line matters: the receiver's body is not read. */
  private async post(uri: string, logoutToken: string): Promise<string> {
    try {
      const response = await egressRequest(new URL(uri), {
        method: 'POST',
        body: new URLSearchParams({ logout_token: logoutToken }).toString(),
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'user-agent': 'Consentry-Logout/1',
        },
        timeoutMs: this.ctx.config.BACKCHANNEL_LOGOUT_TIMEOUT_MS,
        maxBytes: 0,
        allowLoopback: allowLoopbackBackchannel(this.ctx.config),
        ...(this.options.resolver ? { resolver: this.options.resolver } : {}),
      });
      return response.status >= 200 && response.status < 300 ? 'ok' : `HTTP ${response.status}`;
    } catch (error) {
      // Generic words only (address, port and errno stay inside the egress guard).
      if (error instanceof EgressError) return error.reason;
      throw error;
    }
  }
}
