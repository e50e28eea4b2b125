import type { Kysely } from 'kysely';

/**
 * The scheduling product: hosts' profiles, schedules, event types, bookings, webhook endpoints
 * and their delivery log. Rules (weekly hours, overrides, out-of-office) are JSON text.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('scheduling_hosts')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('scheduling_schedules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('scheduling_hosts.user_id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('weekly', 'text', (c) => c.notNull())
    .addColumn('overrides', 'text', (c) => c.notNull())
    .addColumn('out_of_office', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('scheduling_schedules_user').on('scheduling_schedules').column('user_id').execute();

  await db.schema
    .createTable('scheduling_event_types')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('scheduling_hosts.user_id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('durations', 'text', (c) => c.notNull())
    .addColumn('location_kind', 'text', (c) => c.notNull())
    .addColumn('location_value', 'text')
    .addColumn('buffer_before_min', 'integer', (c) => c.notNull())
    .addColumn('buffer_after_min', 'integer', (c) => c.notNull())
    .addColumn('minimum_notice_min', 'integer', (c) => c.notNull())
    .addColumn('daily_limit', 'integer')
    .addColumn('booking_window_days', 'integer')
    .addColumn('slot_interval_min', 'integer')
    .addColumn('schedule_id', 'text', (c) => c.references('scheduling_schedules.id').onDelete('set null'))
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('scheduling_event_types_user_slug', ['user_id', 'slug'])
    .execute();

  await db.schema
    .createTable('scheduling_bookings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('scheduling_hosts.user_id').onDelete('cascade'))
    .addColumn('event_type_id', 'text', (c) => c.notNull())
    .addColumn('event_type_name', 'text', (c) => c.notNull())
    .addColumn('start_at', 'bigint', (c) => c.notNull())
    .addColumn('end_at', 'bigint', (c) => c.notNull())
    .addColumn('duration_min', 'integer', (c) => c.notNull())
    .addColumn('busy_from', 'bigint', (c) => c.notNull())
    .addColumn('busy_to', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('location_kind', 'text', (c) => c.notNull())
    .addColumn('location_value', 'text')
    .addColumn('invitee_name', 'text', (c) => c.notNull())
    .addColumn('invitee_email', 'text', (c) => c.notNull())
    .addColumn('invitee_time_zone', 'text', (c) => c.notNull())
    .addColumn('cancel_reason', 'text')
    .addColumn('canceled_at', 'bigint')
    .addColumn('rescheduled_from_id', 'text')
    .addColumn('rescheduled_to_id', 'text')
    .addColumn('no_show', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('scheduling_bookings_host_busy')
    .on('scheduling_bookings')
    .columns(['user_id', 'status', 'busy_from'])
    .execute();
  await db.schema
    .createIndex('scheduling_bookings_host_start')
    .on('scheduling_bookings')
    .columns(['user_id', 'start_at', 'id'])
    .execute();

  await db.schema
    .createTable('scheduling_webhooks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('scheduling_hosts.user_id').onDelete('cascade'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('events', 'text', (c) => c.notNull())
    .addColumn('secret_sealed', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('disabled_at', 'bigint')
    .addColumn('disabled_reason', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('scheduling_webhooks_user').on('scheduling_webhooks').column('user_id').execute();

  await db.schema
    .createTable('scheduling_webhook_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('webhook_id', 'text', (c) => c.notNull().references('scheduling_webhooks.id').onDelete('cascade'))
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_status_code', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('scheduling_webhook_deliveries_webhook')
    .on('scheduling_webhook_deliveries')
    .columns(['webhook_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('scheduling_webhook_deliveries_status')
    .on('scheduling_webhook_deliveries')
    .column('status')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'scheduling_webhook_deliveries',
    'scheduling_webhooks',
    'scheduling_bookings',
    'scheduling_event_types',
    'scheduling_schedules',
    'scheduling_hosts',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
