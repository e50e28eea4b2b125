import { newId } from '../../kernel/crypto/tokens.ts';
import type { Db } from '../../kernel/db/database.ts';
import type { Clock } from '../../kernel/clock.ts';
import { conflict, notFound, Problems } from '../errors.ts';
import type { HostService } from '../hosts/host-service.ts';
import { isValidSlug, slugify } from '../hosts/host.ts';
import { ScheduleRepository } from '../schedules/schedule-repository.ts';
import { isUniqueViolation } from '../unique-violation.ts';
import { EventTypeRepository } from './event-type-repository.ts';
import { LOCATION_KINDS, MAX_BUFFER_MIN, MAX_DURATION_MIN, type EventType, type EventTypeInput } from './event-type.ts';

/** Hosts' event types: create, read, edit, delete; the public page finds them by slugs. */
export class EventTypeService {
  private readonly repo: EventTypeRepository;
  private readonly schedules: ScheduleRepository;

  constructor(
    db: Db,
    private readonly clock: Clock,
    private readonly hosts: HostService,
  ) {
    this.repo = new EventTypeRepository(db);
    this.schedules = new ScheduleRepository(db);
  }

  async list(userId: string): Promise<EventType[]> {
    await this.hosts.ensure(userId);
    return this.repo.listByUser(userId);
  }

  async get(userId: string, id: string): Promise<EventType> {
    const eventType = await this.repo.findById(id);
    if (!eventType || eventType.userId !== userId) throw notFound('The event type');
    return eventType;
  }

  /** An active event type behind a public booking page, with its host. */
  async findPublic(
    hostSlug: string,
    eventSlug: string,
  ): Promise<{ eventType: EventType; hostSlug: string } | undefined> {
    const host = await this.hosts.findBySlug(hostSlug);
    const eventType = host && (await this.repo.findBySlug(host.userId, eventSlug));
    return eventType?.active ? { eventType, hostSlug: host!.slug } : undefined;
  }

  async create(userId: string, input: EventTypeInput): Promise<EventType> {
    await this.hosts.ensure(userId);
    const eventType: EventType = {
      id: newId(),
      userId,
      name: input.name ?? '',
      slug: input.slug ?? slugify(input.name ?? ''),
      description: input.description ?? null,
      durations: input.durations ?? [30],
      location: input.location ?? { kind: 'google_meet' },
      bufferBeforeMin: input.bufferBeforeMin ?? 0,
      bufferAfterMin: input.bufferAfterMin ?? 0,
      minimumNoticeMin: input.minimumNoticeMin ?? 0,
      dailyLimit: input.dailyLimit ?? null,
      bookingWindowDays: input.bookingWindowDays ?? null,
      slotIntervalMin: input.slotIntervalMin ?? null,
      scheduleId: input.scheduleId ?? null,
      active: input.active ?? true,
    };
    await this.validate(eventType);
    await this.store(eventType, 'insert');
    return eventType;
  }

  async update(userId: string, id: string, input: EventTypeInput): Promise<EventType> {
    const current = await this.get(userId, id);
    const changes = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as EventTypeInput;
    const eventType: EventType = { ...current, ...changes, id: current.id, userId };
    await this.validate(eventType);
    await this.store(eventType, 'update');
    return eventType;
  }

  async delete(userId: string, id: string): Promise<void> {
    await this.get(userId, id);
    await this.repo.delete(id);
  }

  private async store(eventType: EventType, how: 'insert' | 'update'): Promise<void> {
    try {
      if (how === 'insert') await this.repo.insert(eventType, this.clock.now());
      else await this.repo.update(eventType, this.clock.now());
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      throw conflict(`You already have an event type with the slug "${eventType.slug}".`, [
        { path: ['slug'], message: 'already taken' },
      ]);
    }
  }

  private async validate(e: EventType): Promise<void> {
    const problems = new Problems();
    if (!e.name.trim() || e.name.length > 100) problems.add(['name'], 'name must be 1–100 characters');
    if (!isValidSlug(e.slug)) problems.add(['slug'], 'slug must be 1–50 lowercase letters, digits or inner hyphens');
    if (e.description !== null && e.description.length > 5000)
      problems.add(['description'], 'description must be at most 5000 characters');
    if (e.durations.length === 0 || e.durations.length > 10)
      problems.add(['durations'], 'give 1 to 10 durations, the default first');
    e.durations.forEach((d, i) => {
      if (!Number.isInteger(d) || d < 5 || d > MAX_DURATION_MIN)
        problems.add(['durations', i], `a duration is a whole number of minutes from 5 to ${MAX_DURATION_MIN}`);
    });
    if (new Set(e.durations).size !== e.durations.length) problems.add(['durations'], 'durations must not repeat');
    if (!LOCATION_KINDS.includes(e.location.kind))
      problems.add(['location', 'kind'], `kind must be one of ${LOCATION_KINDS.join(', ')}`);
    if (e.location.value !== undefined && e.location.value.length > 500)
      problems.add(['location', 'value'], 'value must be at most 500 characters');
    range(problems, 'bufferBeforeMin', e.bufferBeforeMin, 0, MAX_BUFFER_MIN);
    range(problems, 'bufferAfterMin', e.bufferAfterMin, 0, MAX_BUFFER_MIN);
    range(problems, 'minimumNoticeMin', e.minimumNoticeMin, 0, 525_600);
    if (e.dailyLimit !== null) range(problems, 'dailyLimit', e.dailyLimit, 1, 1000);
    if (e.bookingWindowDays !== null) range(problems, 'bookingWindowDays', e.bookingWindowDays, 1, 3650);
    if (e.slotIntervalMin !== null) range(problems, 'slotIntervalMin', e.slotIntervalMin, 5, 720);
    if (e.scheduleId !== null && !(await this.schedules.findById(e.userId, e.scheduleId)))
      problems.add(['scheduleId'], 'no such schedule of yours');
    problems.throwIfAny('The event type is not valid.');
  }
}

function range(problems: Problems, field: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max)
    problems.add([field], `${field} must be a whole number from ${min} to ${max}`);
}
