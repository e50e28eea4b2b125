import type { Db } from '../../kernel/db/database.ts';
import type { SchedulingEventTypesTable } from '../../kernel/db/schema.ts';
import type { EventType, LocationKind } from './event-type.ts';

/** Event types; durations as JSON text, flags as 0/1. */
export class EventTypeRepository {
  constructor(private readonly db: Db) {}

  async listByUser(userId: string): Promise<EventType[]> {
    const rows = await this.db
      .selectFrom('scheduling_event_types')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(eventTypeFromRow);
  }

  async findById(id: string): Promise<EventType | undefined> {
    const row = await this.db.selectFrom('scheduling_event_types').selectAll().where('id', '=', id).executeTakeFirst();
    return row && eventTypeFromRow(row);
  }

  async findBySlug(userId: string, slug: string): Promise<EventType | undefined> {
    const row = await this.db
      .selectFrom('scheduling_event_types')
      .selectAll()
      .where('user_id', '=', userId)
      .where('slug', '=', slug)
      .executeTakeFirst();
    return row && eventTypeFromRow(row);
  }

  /** @throws a unique violation when the host already has this slug */
  async insert(eventType: EventType, now: number): Promise<void> {
    await this.db
      .insertInto('scheduling_event_types')
      .values({ ...eventTypeToRow(eventType), created_at: now, updated_at: now })
      .execute();
  }

  /** @throws a unique violation when the host already has this slug */
  async update(eventType: EventType, now: number): Promise<void> {
    await this.db
      .updateTable('scheduling_event_types')
      .set({ ...eventTypeToRow(eventType), updated_at: now })
      .where('id', '=', eventType.id)
      .execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('scheduling_event_types').where('id', '=', id).execute();
  }
}

function eventTypeToRow(e: EventType): Omit<SchedulingEventTypesTable, 'created_at' | 'updated_at'> {
  return {
    id: e.id,
    user_id: e.userId,
    name: e.name,
    slug: e.slug,
    description: e.description,
    durations: JSON.stringify(e.durations),
    location_kind: e.location.kind,
    location_value: e.location.value ?? null,
    buffer_before_min: e.bufferBeforeMin,
    buffer_after_min: e.bufferAfterMin,
    minimum_notice_min: e.minimumNoticeMin,
    daily_limit: e.dailyLimit,
    booking_window_days: e.bookingWindowDays,
    slot_interval_min: e.slotIntervalMin,
    schedule_id: e.scheduleId,
    active: e.active ? 1 : 0,
  };
}

function eventTypeFromRow(r: SchedulingEventTypesTable): EventType {
  return {
    id: r.id,
    userId: r.user_id,
    name: r.name,
    slug: r.slug,
    description: r.description,
    durations: JSON.parse(r.durations) as number[],
    location: {
      kind: r.location_kind as LocationKind,
      ...(r.location_value !== null ? { value: r.location_value } : {}),
    },
    bufferBeforeMin: r.buffer_before_min,
    bufferAfterMin: r.buffer_after_min,
    minimumNoticeMin: r.minimum_notice_min,
    dailyLimit: r.daily_limit,
    bookingWindowDays: r.booking_window_days,
    slotIntervalMin: r.slot_interval_min,
    scheduleId: r.schedule_id,
    active: r.active === 1,
  };
}
