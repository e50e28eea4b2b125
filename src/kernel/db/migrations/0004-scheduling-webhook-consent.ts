import type { Kysely } from 'kysely';

/**
 * Binds each webhook to the consent that made it: the client and grant of the access token
 * (both null when the person made it in /developers or with a personal access token), so that
 * revoking the grant or deleting the client ends its deliveries.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('scheduling_webhooks').addColumn('client_id', 'text').execute();
  await db.schema.alterTable('scheduling_webhooks').addColumn('grant_id', 'text').execute();
  await db.schema.createIndex('scheduling_webhooks_grant').on('scheduling_webhooks').column('grant_id').execute();
  await db.schema.createIndex('scheduling_webhooks_client').on('scheduling_webhooks').column('client_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('scheduling_webhooks_client').ifExists().execute();
  await db.schema.dropIndex('scheduling_webhooks_grant').ifExists().execute();
  await db.schema.alterTable('scheduling_webhooks').dropColumn('grant_id').execute();
  await db.schema.alterTable('scheduling_webhooks').dropColumn('client_id').execute();
}
