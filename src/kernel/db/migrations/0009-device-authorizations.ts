import type { Kysely } from 'kysely';

/**
 * Device authorizations (RFC 8628): one row per device that asked to be signed in. Both codes
 * are stored hashed; the row moves pending → approved or denied (by the person on /device) →
 * consumed (by the one poll that got the tokens), and the janitor drops it at `expires_at`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('device_authorizations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('device_code_hash', 'text', (c) => c.notNull().unique())
    .addColumn('user_code_hash', 'text', (c) => c.notNull().unique())
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('resources', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('poll_interval', 'integer', (c) => c.notNull())
    .addColumn('last_polled_at', 'bigint')
    .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('grant_id', 'text')
    .addColumn('auth_time', 'bigint')
    .addColumn('family_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('device_authorizations_expires')
    .on('device_authorizations')
    .column('expires_at')
    .execute();
  // Revoking a grant denies the approvals no device has collected yet.
  await db.schema.createIndex('device_authorizations_grant').on('device_authorizations').column('grant_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('device_authorizations').ifExists().execute();
}
