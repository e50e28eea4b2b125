import type { Db } from '../../kernel/db/database.ts';
import { newId } from '../../kernel/crypto/tokens.ts';
import type { Clock } from '../../kernel/clock.ts';
import { conflict, notFound, Problems } from '../errors.ts';
import type { HostService } from '../hosts/host-service.ts';
import { DEFAULT_WEEKLY, type DateOverride, type OutOfOffice, type Schedule, type WeeklyInterval } from './schedule.ts';
import { ScheduleRepository } from './schedule-repository.ts';
import { checkOutOfOffice, checkOverrides, checkTimeZone, checkWeekly } from './validate-rules.ts';

export interface ScheduleInput {
  name?: string | undefined;
  timezone?: string | undefined;
  isDefault?: boolean | undefined;
  weekly?: WeeklyInterval[] | undefined;
  overrides?: DateOverride[] | undefined;
  outOfOffice?: OutOfOffice[] | undefined;
}

/** A host's availability: weekly hours, date overrides and out-of-office, each in a time zone. */
export class ScheduleService {
  private readonly repo: ScheduleRepository;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly hosts: HostService,
  ) {
    this.repo = new ScheduleRepository(db);
  }

  async list(userId: string): Promise<Schedule[]> {
    await this.hosts.ensure(userId);
    return this.repo.listByUser(userId);
  }

  async get(userId: string, id: string): Promise<Schedule> {
    const schedule = await this.repo.findById(userId, id);
    if (!schedule) throw notFound('The schedule');
    return schedule;
  }

  /** The schedule an event type uses: its own, else the host's default. */
  async forEventType(userId: string, scheduleId: string | null): Promise<Schedule> {
    const schedule =
      (scheduleId && (await this.repo.findById(userId, scheduleId))) || (await this.repo.findDefault(userId));
    if (!schedule) throw notFound('The schedule');
    return schedule;
  }

  async create(userId: string, input: ScheduleInput): Promise<Schedule> {
    const host = await this.hosts.ensure(userId);
    const schedule: Schedule = {
      id: newId(),
      name: input.name ?? 'Schedule',
      timezone: input.timezone ?? host.timezone,
      isDefault: input.isDefault ?? false,
      weekly: input.weekly ?? DEFAULT_WEEKLY,
      overrides: input.overrides ?? [],
      outOfOffice: input.outOfOffice ?? [],
    };
    validate(schedule);
    await this.save(userId, schedule, 'insert');
    return schedule;
  }

  async update(userId: string, id: string, input: ScheduleInput): Promise<Schedule> {
    const current = await this.get(userId, id);
    if (input.isDefault === false && current.isDefault)
      throw conflict('A host always has a default schedule: make another schedule the default instead.', [
        { path: ['isDefault'], message: 'cannot unset the default' },
      ]);
    const schedule: Schedule = {
      ...current,
      ...definedOnly({
        name: input.name,
        timezone: input.timezone,
        isDefault: input.isDefault,
        weekly: input.weekly,
        overrides: input.overrides,
        outOfOffice: input.outOfOffice,
      }),
    };
    validate(schedule);
    await this.save(userId, schedule, 'update');
    return schedule;
  }

  async delete(userId: string, id: string): Promise<void> {
    const current = await this.get(userId, id);
    if (current.isDefault)
      throw conflict('The default schedule cannot be deleted: make another schedule the default first.');
    await this.repo.delete(userId, id);
  }

  /** Custom hours (or closed, with no intervals) on one date, replacing any override of that date. */
  async setOverride(userId: string, id: string, override: DateOverride): Promise<Schedule> {
    const current = await this.get(userId, id);
    return this.update(userId, id, {
      overrides: [...current.overrides.filter((o) => o.date !== override.date), override].sort((a, b) =>
        a.date.localeCompare(b.date),
      ),
    });
  }

  async addOutOfOffice(userId: string, id: string, range: OutOfOffice): Promise<Schedule> {
    const current = await this.get(userId, id);
    return this.update(userId, id, { outOfOffice: [...current.outOfOffice, range] });
  }

  private async save(userId: string, schedule: Schedule, how: 'insert' | 'update'): Promise<void> {
    const now = this.clock.now();
    await this.db.transaction().execute(async (trx) => {
      const repo = new ScheduleRepository(trx);
      if (how === 'insert') await repo.insert(userId, schedule, now);
      else await repo.update(userId, schedule, now);
      if (schedule.isDefault) await repo.clearDefault(userId, schedule.id);
    });
  }
}

function validate(schedule: Schedule): void {
  const problems = new Problems();
  if (!schedule.name.trim() || schedule.name.length > 100) problems.add(['name'], 'name must be 1–100 characters');
  checkTimeZone(problems, ['timezone'], schedule.timezone);
  checkWeekly(problems, schedule.weekly);
  checkOverrides(problems, schedule.overrides);
  checkOutOfOffice(problems, schedule.outOfOffice);
  problems.throwIfAny('The schedule is not valid.');
}

function definedOnly<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}
