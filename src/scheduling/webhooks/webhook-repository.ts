import type { Db } from '../../kernel/db/database.ts';
import type { SchedulingWebhookDeliveriesTable, SchedulingWebhooksTable } from '../../kernel/db/schema.ts';
import { fromJsonList } from '../../kernel/json-list.ts';
import type { WebhookEventName } from '../bookings/booking-events.ts';
import type { Webhook, WebhookDelivery } from './webhook.ts';

/** Webhook endpoints and their delivery log. */
export class WebhookRepository {
  constructor(private readonly db: Db) {}

  async insert(row: SchedulingWebhooksTable): Promise<void> {
    await this.db.insertInto('scheduling_webhooks').values(row).execute();
  }

  async listByUser(userId: string): Promise<Webhook[]> {
    const rows = await this.db
      .selectFrom('scheduling_webhooks')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(webhookFromRow);
  }

  async findRow(id: string): Promise<SchedulingWebhooksTable | undefined> {
    return this.db.selectFrom('scheduling_webhooks').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async delete(userId: string, id: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('scheduling_webhooks')
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async enable(id: string, now: number): Promise<void> {
    await this.db
      .updateTable('scheduling_webhooks')
      .set({ active: 1, consecutive_failures: 0, disabled_at: null, disabled_reason: null, updated_at: now })
      .where('id', '=', id)
      .execute();
  }

  /** Active endpoints of a host subscribed to `event`. */
  async subscribers(userId: string, event: WebhookEventName): Promise<Webhook[]> {
    const rows = await this.db
      .selectFrom('scheduling_webhooks')
      .selectAll()
      .where('user_id', '=', userId)
      .where('active', '=', 1)
      .execute();
    return rows.map(webhookFromRow).filter((w) => w.events.includes(event));
  }

  async insertDelivery(row: SchedulingWebhookDeliveriesTable): Promise<void> {
    await this.db.insertInto('scheduling_webhook_deliveries').values(row).execute();
  }

  async findDelivery(id: string): Promise<WebhookDelivery | undefined> {
    const row = await this.db
      .selectFrom('scheduling_webhook_deliveries')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && deliveryFromRow(row);
  }

  async pendingDeliveryIds(limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('scheduling_webhook_deliveries')
      .select('id')
      .where('status', '=', 'pending')
      .orderBy('created_at')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  async deliveries(webhookId: string, limit: number): Promise<WebhookDelivery[]> {
    const rows = await this.db
      .selectFrom('scheduling_webhook_deliveries')
      .selectAll()
      .where('webhook_id', '=', webhookId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(deliveryFromRow);
  }

  async recordAttempt(
    id: string,
    fields: { status: WebhookDelivery['status']; attempts: number; code: number | null; error: string | null },
    now: number,
  ): Promise<void> {
    await this.db
      .updateTable('scheduling_webhook_deliveries')
      .set({
        status: fields.status,
        attempts: fields.attempts,
        last_status_code: fields.code,
        last_error: fields.error,
        updated_at: now,
      })
      .where('id', '=', id)
      .execute();
  }

  async resetFailures(webhookId: string): Promise<void> {
    await this.db
      .updateTable('scheduling_webhooks')
      .set({ consecutive_failures: 0 })
      .where('id', '=', webhookId)
      .execute();
  }

  /** Counts one more failure in a row and returns the new count (atomic across nodes). */
  async countFailure(webhookId: string, now: number): Promise<number> {
    const row = await this.db
      .updateTable('scheduling_webhooks')
      .set((eb) => ({ consecutive_failures: eb('consecutive_failures', '+', 1), updated_at: now }))
      .where('id', '=', webhookId)
      .returning('consecutive_failures')
      .executeTakeFirst();
    return row?.consecutive_failures ?? 0;
  }

  /** Turns off every endpoint made under the grant; returns how many were on. */
  async disableByGrant(grantId: string, reason: string, now: number): Promise<number> {
    const result = await this.db
      .updateTable('scheduling_webhooks')
      .set({ active: 0, disabled_at: now, disabled_reason: reason, updated_at: now })
      .where('grant_id', '=', grantId)
      .where('active', '=', 1)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Turns off every endpoint made by the client's tokens; returns how many were on. */
  async disableByClient(clientId: string, reason: string, now: number): Promise<number> {
    const result = await this.db
      .updateTable('scheduling_webhooks')
      .set({ active: 0, disabled_at: now, disabled_reason: reason, updated_at: now })
      .where('client_id', '=', clientId)
      .where('active', '=', 1)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async disable(webhookId: string, reason: string, now: number): Promise<void> {
    await this.db
      .updateTable('scheduling_webhooks')
      .set({ active: 0, disabled_at: now, disabled_reason: reason, updated_at: now })
      .where('id', '=', webhookId)
      .where('active', '=', 1)
      .execute();
  }
}

export function webhookFromRow(r: SchedulingWebhooksTable): Webhook {
  return {
    id: r.id,
    userId: r.user_id,
    url: r.url,
    events: fromJsonList(r.events) as WebhookEventName[],
    active: r.active === 1,
    consecutiveFailures: r.consecutive_failures,
    disabledAt: r.disabled_at,
    disabledReason: r.disabled_reason,
    createdAt: r.created_at,
    origin:
      r.client_id && r.grant_id ? { kind: 'app', clientId: r.client_id, grantId: r.grant_id } : { kind: 'person' },
  };
}

function deliveryFromRow(r: SchedulingWebhookDeliveriesTable): WebhookDelivery {
  return {
    id: r.id,
    webhookId: r.webhook_id,
    event: r.event as WebhookEventName,
    data: JSON.parse(r.data) as unknown,
    status: r.status,
    attempts: r.attempts,
    lastStatusCode: r.last_status_code,
    lastError: r.last_error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
