import type { Db } from '../../kernel/db/database.ts';
import type { Clock } from '../../kernel/clock.ts';
import { Problems } from '../errors.ts';
import type { EventType } from '../event-types/event-type.ts';
import type { EventTypeService } from '../event-types/event-type-service.ts';
import type { ScheduleService } from '../schedules/schedule-service.ts';
import { BookingRepository } from '../bookings/booking-repository.ts';
import { DAY, isValidTimeZone } from '../time.ts';
import { computeSlots, type Slot, type SlotSettings } from './compute-slots.ts';

export const MAX_WINDOW_DAYS = 31;

export interface SlotQuery {
  from: number;
  to: number;
  durationMin?: number | undefined;
  /** The invitee's zone the answer is also shown in. */
  timezone?: string | undefined;
}

export interface SlotAnswer {
  eventType: EventType;
  durationMin: number;
  timezone: string;
  slots: Slot[];
}

/** Bookable slots of an event type over a window of at most 31 days. */
export class AvailabilityService {
  private readonly bookings: BookingRepository;

  constructor(
    db: Db,
    private readonly clock: Clock,
    private readonly eventTypes: EventTypeService,
    private readonly schedules: ScheduleService,
  ) {
    this.bookings = new BookingRepository(db);
  }

  async forHost(userId: string, eventTypeId: string, query: SlotQuery): Promise<SlotAnswer> {
    return this.forEventType(await this.eventTypes.get(userId, eventTypeId), query);
  }

  async forEventType(eventType: EventType, query: SlotQuery): Promise<SlotAnswer> {
    const problems = new Problems();
    if (!(query.to > query.from)) problems.add(['to'], 'to must be after from');
    else if (query.to - query.from > MAX_WINDOW_DAYS * DAY)
      problems.add(['to'], `the window must not exceed ${MAX_WINDOW_DAYS} days`);
    const durationMin = query.durationMin ?? eventType.durations[0]!;
    if (!eventType.durations.includes(durationMin))
      problems.add(['duration'], `duration must be one of ${eventType.durations.join(', ')}`);
    if (query.timezone !== undefined && !isValidTimeZone(query.timezone))
      problems.add(['tz'], `unknown time zone "${query.timezone}"`);
    problems.throwIfAny();
    const schedule = await this.schedules.forEventType(eventType.userId, eventType.scheduleId);
    const busy = await this.bookings.listBusy(
      eventType.userId,
      query.from - DAY - maxSpan(eventType),
      query.to + DAY + maxSpan(eventType),
    );
    const slots = computeSlots(
      schedule,
      slotSettings(eventType, durationMin),
      { from: query.from, to: query.to, now: this.clock.now(), eventTypeId: eventType.id },
      busy,
    );
    return { eventType, durationMin, timezone: query.timezone ?? schedule.timezone, slots };
  }
}

/** The slot rules of an event type for one of its durations. */
export function slotSettings(e: EventType, durationMin: number): SlotSettings {
  return {
    durationMin,
    slotIntervalMin: e.slotIntervalMin,
    minimumNoticeMin: e.minimumNoticeMin,
    bookingWindowDays: e.bookingWindowDays,
    bufferBeforeMin: e.bufferBeforeMin,
    bufferAfterMin: e.bufferAfterMin,
    dailyLimit: e.dailyLimit,
  };
}

function maxSpan(e: EventType): number {
  return (Math.max(...e.durations) + e.bufferBeforeMin + e.bufferAfterMin) * 60_000;
}
