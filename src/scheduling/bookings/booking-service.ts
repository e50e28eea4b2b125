import type { Db, Dialect } from '../../kernel/db/database.ts';
import type { SchedulingBookingsTable } from '../../kernel/db/schema.ts';
import { newId } from '../../kernel/crypto/tokens.ts';
import type { Clock } from '../../kernel/clock.ts';
import { conflict, invalid, notFound, SchedulingError } from '../errors.ts';
import type { EventType } from '../event-types/event-type.ts';
import { EventTypeRepository } from '../event-types/event-type-repository.ts';
import { HostRepository } from '../hosts/host-repository.ts';
import type { HostService } from '../hosts/host-service.ts';
import type { AvailabilityRules } from '../schedules/schedule.ts';
import { ScheduleRepository } from '../schedules/schedule-repository.ts';
import { DAY, MINUTE } from '../time.ts';
import { RESCHEDULED_REASON, type Booking, type BookingStatusFilter } from './booking.ts';
import type { BookingEmail, BookingHappening, BookingNotifier } from './booking-events.ts';
import { readBookingInput, type NewBookingInput } from './booking-input.ts';
import { BookingRepository, bookingFromRow } from './booking-repository.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { checkBookable } from './slot-check.ts';

export interface BookingDeps {
  db: Db;
  dialect: Dialect;
  clock: Clock;
  hosts: HostService;
  notifier: BookingNotifier;
}

export interface BookingPage {
  bookings: Booking[];
  nextCursor: string | null;
}

/**
 * Creates, cancels and reschedules bookings. Each change runs in one transaction that first
 * locks the host, then checks the slot against the bookings it sees: of two simultaneous
 * requests for one slot exactly one succeeds. (A new booking's availability rules are read just
 * before the lock: a schedule edited meanwhile is like one edited a moment later.)
 */
export class BookingService {
  private readonly repo: BookingRepository;

  constructor(private readonly deps: BookingDeps) {
    this.repo = new BookingRepository(deps.db);
  }

  async get(userId: string, id: string): Promise<Booking> {
    const booking = await this.repo.findById(id);
    if (!booking || booking.hostId !== userId) throw notFound('The booking');
    return booking;
  }

  /** A booking by id alone (the invitee's link is checked by the caller). */
  findById(id: string): Promise<Booking | undefined> {
    return this.repo.findById(id);
  }

  async list(
    userId: string,
    query: {
      status?: BookingStatusFilter | undefined;
      from?: number | undefined;
      to?: number | undefined;
      limit: number;
      cursor?: string | undefined;
    },
  ): Promise<BookingPage> {
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    if (query.cursor !== undefined && !after)
      throw invalid('The cursor is not valid.', [{ path: ['cursor'], message: 'pass back a nextCursor unchanged' }]);
    const rows = await this.repo.list(userId, { ...query, after, now: this.deps.clock.now(), limit: query.limit + 1 });
    const bookings = rows.slice(0, query.limit);
    const last = bookings[bookings.length - 1];
    return { bookings, nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null };
  }

  /** A host (or an app for them) books a slot on one of their own event types. */
  async createForHost(userId: string, eventTypeId: string, input: NewBookingInput): Promise<Booking> {
    const eventType = await new EventTypeRepository(this.deps.db).findById(eventTypeId);
    if (!eventType || eventType.userId !== userId) throw notFound('The event type');
    return this.create(eventType, input);
  }

  /**
   * Books a slot of an event type (the public page and the API). `perInviteePerDay` (the public
   * page) caps the new bookings one invitee address makes with the host in 24 hours, canceled
   * ones included, so book-and-cancel cannot loop emails. @throws 400, 409, 429
   */
  async create(
    eventType: EventType,
    input: NewBookingInput,
    limits: { perInviteePerDay?: number } = {},
  ): Promise<Booking> {
    if (!eventType.active) throw conflict('This event type is not taking bookings.');
    const { start, durationMin, invitee } = readBookingInput(eventType, input);
    // Read before the host is locked: the lock is held for the checks and writes alone, so the
    // host's other bookings wait less (on PostgreSQL every statement is a round trip).
    const rules = await this.rulesOf(this.deps.db, eventType);
    const booking = await this.inHostTransaction(eventType.userId, async (trx, now, hostSlug) => {
      const cap = limits.perInviteePerDay ?? 0;
      if (
        cap > 0 &&
        (await new BookingRepository(trx).countNewByInvitee(eventType.userId, invitee.email, now - DAY)) >= cap
      ) {
        throw new SchedulingError(
          429,
          'Too Many Requests',
          `This email address already made ${cap} bookings with this host today. Please try again tomorrow.`,
        );
      }
      await this.checkSlot(trx, eventType, rules, start, durationMin, now);
      const row = newRow(newId(), eventType, start, durationMin, invitee, now, null);
      await new BookingRepository(trx).insert(row);
      // As stored: the row written and the host's slug, read under the lock.
      const created = bookingFromRow({ ...row, host_slug: hostSlug });
      await this.deps.notifier.record(trx, eventType.userId, [{ event: 'booking_created', booking: created }], {
        bookingId: created.id,
        kind: 'confirmed',
      });
      return created;
    });
    this.deps.notifier.afterCommit();
    return booking;
  }

  /** Cancels; cancelling a canceled booking answers the same booking (idempotent). */
  async cancel(userId: string, id: string, reason: string | undefined): Promise<Booking> {
    await this.get(userId, id);
    return this.cancelById(id, reason);
  }

  async cancelById(id: string, reason: string | undefined): Promise<Booking> {
    const booking = await this.repo.findById(id);
    if (!booking) throw notFound('The booking');
    if (booking.status === 'canceled') return booking;
    const trimmed = reason?.trim().slice(0, 1000) || null;
    await this.inHostTransaction(booking.hostId, async (trx, now) => {
      const current = await new BookingRepository(trx).findById(id);
      if (current?.status !== 'active') return;
      await new BookingRepository(trx).cancel(id, trimmed, now);
      await this.recordRead(trx, booking.hostId, [{ event: 'booking_canceled', id }], {
        bookingId: id,
        kind: 'canceled',
        reason: trimmed ?? undefined,
      });
    });
    this.deps.notifier.afterCommit();
    return (await this.repo.findById(id))!;
  }

  async reschedule(
    userId: string,
    id: string,
    input: { start: string; reason?: string | undefined },
  ): Promise<Booking> {
    await this.get(userId, id);
    return this.rescheduleById(id, input);
  }

  /** A new booking at `start`; the old one is canceled "Rescheduled." and both point at each other. */
  async rescheduleById(id: string, input: { start: string; reason?: string | undefined }): Promise<Booking> {
    const old = await this.repo.findById(id);
    if (!old) throw notFound('The booking');
    const newId_ = newId();
    await this.inHostTransaction(old.hostId, async (trx, now) => {
      const bookings = new BookingRepository(trx);
      const current = await bookings.findById(id);
      if (current?.status !== 'active')
        throw conflict('A canceled booking cannot be rescheduled.', [{ path: ['id'], message: 'booking is canceled' }]);
      const eventType = await new EventTypeRepository(trx).findById(current.eventTypeId);
      if (!eventType) throw conflict('The event type of this booking no longer exists.');
      const { start } = readBookingInput(eventType, {
        start: input.start,
        durationMin: current.durationMin,
        invitee: current.invitee,
      });
      await this.checkSlot(trx, eventType, await this.rulesOf(trx, eventType), start, current.durationMin, now, id);
      await bookings.insert({
        ...newRow(newId_, eventType, start, current.durationMin, current.invitee, now, id),
        location_kind: current.location.kind,
        location_value: current.location.value ?? null,
      });
      await bookings.cancel(id, RESCHEDULED_REASON, now, newId_);
      await this.recordRead(
        trx,
        old.hostId,
        [
          { event: 'booking_rescheduled', id: newId_ },
          { event: 'booking_canceled', id },
        ],
        { bookingId: newId_, kind: 'rescheduled', reason: input.reason },
      );
    });
    this.deps.notifier.afterCommit();
    return (await this.repo.findById(newId_))!;
  }

  async stats(userId: string, from: number, to: number) {
    const counts = await this.repo.stats(userId, from, to, this.deps.clock.now());
    return { ...counts, noShowRate: counts.held === 0 ? 0 : counts.noShows / counts.held };
  }

  /** The availability rules an event type is booked against. @throws 409 when the host has none */
  private async rulesOf(db: Db, eventType: EventType): Promise<AvailabilityRules> {
    const schedules = new ScheduleRepository(db);
    const rules =
      (eventType.scheduleId && (await schedules.findById(eventType.userId, eventType.scheduleId))) ||
      (await schedules.findDefault(eventType.userId));
    if (!rules) throw conflict('The host has no schedule.');
    return rules;
  }

  private async checkSlot(
    trx: Db,
    eventType: EventType,
    rules: AvailabilityRules,
    start: number,
    durationMin: number,
    now: number,
    exceptId?: string,
  ): Promise<void> {
    const span = (durationMin + eventType.bufferBeforeMin + eventType.bufferAfterMin) * MINUTE + 2 * DAY;
    const busy = await new BookingRepository(trx).listBusy(eventType.userId, start - span, start + span, exceptId);
    checkBookable(rules, eventType, start, durationMin, now, busy);
  }

  /** Records what happened to bookings already written in this transaction, read back as stored. */
  private async recordRead(
    trx: Db,
    hostId: string,
    events: Array<{ event: BookingHappening['event']; id: string }>,
    email: BookingEmail,
  ): Promise<void> {
    const repo = new BookingRepository(trx);
    const happenings = await Promise.all(
      events.map(async ({ event, id }) => ({ event, booking: (await repo.findById(id))! })),
    );
    await this.deps.notifier.record(trx, hostId, happenings, email);
  }

  /** Runs `work` in a transaction that holds the host's lock; `work` learns the host's slug. */
  private async inHostTransaction<T>(
    hostId: string,
    work: (trx: Db, now: number, hostSlug: string) => Promise<T>,
  ): Promise<T> {
    return this.deps.db.transaction().execute(async (trx) => {
      const hostSlug = await new HostRepository(trx).lock(hostId, this.deps.dialect);
      if (hostSlug === undefined) throw notFound('The host');
      return work(trx, this.deps.clock.now(), hostSlug);
    });
  }
}

function newRow(
  id: string,
  e: EventType,
  start: number,
  durationMin: number,
  invitee: Booking['invitee'],
  now: number,
  fromId: string | null,
): SchedulingBookingsTable {
  const end = start + durationMin * MINUTE;
  return {
    id,
    user_id: e.userId,
    event_type_id: e.id,
    event_type_name: e.name,
    start_at: start,
    end_at: end,
    duration_min: durationMin,
    busy_from: start - e.bufferBeforeMin * MINUTE,
    busy_to: end + e.bufferAfterMin * MINUTE,
    status: 'active',
    location_kind: e.location.kind,
    location_value: e.location.value ?? null,
    invitee_name: invitee.name,
    invitee_email: invitee.email,
    invitee_time_zone: invitee.timezone,
    cancel_reason: null,
    canceled_at: null,
    rescheduled_from_id: fromId,
    rescheduled_to_id: null,
    no_show: 0,
    created_at: now,
    updated_at: now,
  };
}
