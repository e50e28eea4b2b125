import { randomBytes } from 'node:crypto';
import type { Db } from '../../kernel/db/database.ts';
import { newId } from '../../kernel/crypto/tokens.ts';
import type { SecretBox } from '../../kernel/crypto/secret-box.ts';
import type { Clock } from '../../kernel/clock.ts';
import { toJsonList } from '../../kernel/json-list.ts';
import type { GrantStatus } from '../../oauth/index.ts';
import { conflict, notFound, Problems } from '../errors.ts';
import type { HostService } from '../hosts/host-service.ts';
import { WEBHOOK_EVENTS, type WebhookEventName } from '../bookings/booking-events.ts';
import { WebhookRepository } from './webhook-repository.ts';
import { checkWebhookUrl } from './webhook-url.ts';
import { CONSENT_ENDED_REASON, type Webhook, type WebhookDelivery, type WebhookOrigin } from './webhook.ts';

export interface WebhookDeps {
  db: Db;
  clock: Clock;
  hosts: HostService;
  secrets: SecretBox;
  allowLoopbackHttp: boolean;
  /** Whether the grant an app's webhook was made under still stands. */
  grants: Pick<GrantStatus, 'isGrantActive'>;
}

/**
 * Hosts' webhook endpoints: register (the signing secret is shown once), list, delete, re-enable.
 * An endpoint made by an app's token is bound to that app's client and grant; one made by the
 * person (console, personal access token) to the person alone.
 */
export class WebhookService {
  private readonly repo: WebhookRepository;

  constructor(private readonly deps: WebhookDeps) {
    this.repo = new WebhookRepository(deps.db);
  }

  async create(
    userId: string,
    input: { url: string; events?: string[] | undefined },
    origin: WebhookOrigin = { kind: 'person' },
  ): Promise<{ webhook: Webhook; secret: string }> {
    await this.deps.hosts.ensure(userId);
    const problems = new Problems();
    const urlProblem = checkWebhookUrl(input.url, this.deps.allowLoopbackHttp);
    if (urlProblem) problems.add(['url'], urlProblem);
    const events = input.events ?? WEBHOOK_EVENTS;
    if (events.length === 0) problems.add(['events'], 'choose at least one event');
    events.forEach((e, i) => {
      if (!WEBHOOK_EVENTS.includes(e as WebhookEventName))
        problems.add(['events', i], `event must be one of ${WEBHOOK_EVENTS.join(', ')}`);
    });
    problems.throwIfAny('The webhook is not valid.');
    const secret = `whsec_${randomBytes(24).toString('base64url')}`;
    const now = this.deps.clock.now();
    const row = {
      id: newId(),
      user_id: userId,
      url: input.url,
      events: toJsonList([...new Set(events)]),
      secret_sealed: this.deps.secrets.seal(secret),
      active: 1,
      consecutive_failures: 0,
      disabled_at: null,
      disabled_reason: null,
      created_at: now,
      updated_at: now,
      client_id: origin.kind === 'app' ? origin.clientId : null,
      grant_id: origin.kind === 'app' ? origin.grantId : null,
    };
    await this.repo.insert(row);
    return { webhook: await this.get(userId, row.id), secret };
  }

  list(userId: string): Promise<Webhook[]> {
    return this.repo.listByUser(userId);
  }

  async get(userId: string, id: string): Promise<Webhook> {
    const found = (await this.repo.listByUser(userId)).find((w) => w.id === id);
    if (!found) throw notFound('The webhook');
    return found;
  }

  async delete(userId: string, id: string): Promise<void> {
    if (!(await this.repo.delete(userId, id))) throw notFound('The webhook');
  }

  /** Turns a disabled endpoint back on with a fresh failure count. */
  async enable(userId: string, id: string): Promise<Webhook> {
    const webhook = await this.get(userId, id);
    if (webhook.origin.kind === 'app' && !(await this.deps.grants.isGrantActive(webhook.origin.grantId)))
      throw conflict(CONSENT_ENDED_REASON);
    await this.repo.enable(id, this.deps.clock.now());
    return this.get(userId, id);
  }

  async deliveries(userId: string, id: string, limit = 50): Promise<WebhookDelivery[]> {
    await this.get(userId, id);
    return this.repo.deliveries(id, limit);
  }
}
