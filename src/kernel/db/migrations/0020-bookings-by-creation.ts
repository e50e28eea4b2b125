import type { Kysely } from 'kysely';

/**
 * A host's bookings by when they were made. Every booking through a public page counts the
 * invitee's bookings of the last day with that host (the per-invitee daily cap) while the host's
 * bookings are locked; without this index that count read every booking the host ever had.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('scheduling_bookings_host_created')
    .on('scheduling_bookings')
    .columns(['user_id', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('scheduling_bookings_host_created').execute();
}
