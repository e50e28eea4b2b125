import type { Db } from '../../kernel/db/database.ts';
import type { SchedulingBookingsTable } from '../../kernel/db/schema.ts';
import { MAX_BUSY_MS, type LocationKind } from '../event-types/event-type.ts';
import type { BusyBooking } from '../slots/compute-slots.ts';
import type { Booking, BookingStatusFilter } from './booking.ts';

export interface BookingListQuery {
  status?: BookingStatusFilter | undefined;
  from?: number | undefined;
  to?: number | undefined;
  now: number;
  limit: number;
  /** Keyset position: list what comes after (older than) this booking. */
  after?: { startAt: number; id: string } | undefined;
}

/** Bookings; each row keeps its buffered busy range so overlap checks are one range query. */
export class BookingRepository {
  constructor(private readonly db: Db) {}

  async insert(row: SchedulingBookingsTable): Promise<void> {
    await this.db.insertInto('scheduling_bookings').values(row).execute();
  }

  /** New bookings (not reschedules, canceled ones included) an invitee address made with a host since `since`. */
  async countNewByInvitee(userId: string, email: string, since: number): Promise<number> {
    const row = await this.db
      .selectFrom('scheduling_bookings')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('user_id', '=', userId)
      .where((eb) => eb(eb.fn('lower', ['invitee_email']), '=', email.toLowerCase()))
      .where('rescheduled_from_id', 'is', null)
      .where('created_at', '>=', since)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async findById(id: string): Promise<Booking | undefined> {
    const row = await this.withSlug().where('b.id', '=', id).executeTakeFirst();
    return row && bookingFromRow(row);
  }

  /** Active bookings of a host whose busy range meets [from, to). */
  async listBusy(userId: string, from: number, to: number, exceptId?: string): Promise<BusyBooking[]> {
    const rows = await this.busyQuery(userId, from, to, exceptId).execute();
    return rows.map((r) => ({
      busyFrom: r.busy_from,
      busyTo: r.busy_to,
      startAt: r.start_at,
      eventTypeId: r.event_type_id,
    }));
  }

  /**
   * listBusy's statement. A booking is busy for at most MAX_BUSY_MS, so one that meets the range
   * starts after `from - MAX_BUSY_MS`: with that bound the (user_id, status, busy_from) index is
   * read for this range only. Without it every booking the host ever had before `to` was read to
   * test its end, a scan that grew with each booking.
   */
  busyQuery(userId: string, from: number, to: number, exceptId?: string) {
    const query = this.db
      .selectFrom('scheduling_bookings')
      .select(['busy_from', 'busy_to', 'start_at', 'event_type_id'])
      .where('user_id', '=', userId)
      .where('status', '=', 'active')
      .where('busy_from', '<', to)
      .where('busy_from', '>', from - MAX_BUSY_MS)
      .where('busy_to', '>', from);
    return exceptId ? query.where('id', '!=', exceptId) : query;
  }

  /** Newest first by start, then id; `limit` rows. */
  async list(userId: string, q: BookingListQuery): Promise<Booking[]> {
    let query = this.withSlug().where('b.user_id', '=', userId);
    if (q.status === 'canceled') query = query.where('b.status', '=', 'canceled');
    if (q.status === 'active') query = query.where('b.status', '=', 'active').where('b.end_at', '>', q.now);
    if (q.status === 'past') query = query.where('b.status', '=', 'active').where('b.end_at', '<=', q.now);
    if (q.from !== undefined) query = query.where('b.start_at', '>=', q.from);
    if (q.to !== undefined) query = query.where('b.start_at', '<', q.to);
    if (q.after) {
      const { startAt, id } = q.after;
      query = query.where((eb) =>
        eb.or([eb('b.start_at', '<', startAt), eb.and([eb('b.start_at', '=', startAt), eb('b.id', '<', id)])]),
      );
    }
    const rows = await query.orderBy('b.start_at', 'desc').orderBy('b.id', 'desc').limit(q.limit).execute();
    return rows.map(bookingFromRow);
  }

  async cancel(id: string, reason: string | null, now: number, rescheduledToId: string | null = null): Promise<void> {
    await this.db
      .updateTable('scheduling_bookings')
      .set({
        status: 'canceled',
        cancel_reason: reason,
        canceled_at: now,
        rescheduled_to_id: rescheduledToId,
        updated_at: now,
      })
      .where('id', '=', id)
      .where('status', '=', 'active')
      .execute();
  }

  /** Counts for get_stats: bookings that started in [from, to). */
  async stats(
    userId: string,
    from: number,
    to: number,
    now: number,
  ): Promise<{ total: number; canceled: number; held: number; noShows: number }> {
    const rows = await this.db
      .selectFrom('scheduling_bookings')
      .select(['status', 'no_show', 'end_at', 'rescheduled_to_id'])
      .where('user_id', '=', userId)
      .where('start_at', '>=', from)
      .where('start_at', '<', to)
      .execute();
    const counted = rows.filter((r) => r.rescheduled_to_id === null);
    const held = counted.filter((r) => r.status === 'active' && r.end_at <= now);
    return {
      total: counted.length,
      canceled: counted.filter((r) => r.status === 'canceled').length,
      held: held.length,
      noShows: held.filter((r) => r.no_show === 1).length,
    };
  }

  private withSlug() {
    return this.db
      .selectFrom('scheduling_bookings as b')
      .innerJoin('scheduling_hosts as h', 'h.user_id', 'b.user_id')
      .selectAll('b')
      .select('h.slug as host_slug');
  }
}

export function bookingFromRow(r: SchedulingBookingsTable & { host_slug: string }): Booking {
  return {
    id: r.id,
    hostId: r.user_id,
    hostSlug: r.host_slug,
    eventTypeId: r.event_type_id,
    eventTypeName: r.event_type_name,
    startAt: r.start_at,
    endAt: r.end_at,
    durationMin: r.duration_min,
    busyFrom: r.busy_from,
    busyTo: r.busy_to,
    status: r.status,
    location: {
      kind: r.location_kind as LocationKind,
      ...(r.location_value !== null ? { value: r.location_value } : {}),
    },
    invitee: { name: r.invitee_name, email: r.invitee_email, timezone: r.invitee_time_zone },
    cancelReason: r.cancel_reason,
    rescheduledFromId: r.rescheduled_from_id,
    rescheduledToId: r.rescheduled_to_id,
    noShow: r.no_show === 1,
    createdAt: r.created_at,
  };
}
