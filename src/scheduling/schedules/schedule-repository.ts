import type { Db } from '../../kernel/db/database.ts';
import type { SchedulingSchedulesTable } from '../../kernel/db/schema.ts';
import type { Schedule } from './schedule.ts';

/** Schedules with their rules stored as JSON text. */
export class ScheduleRepository {
  constructor(private readonly db: Db) {}

  async listByUser(userId: string): Promise<Schedule[]> {
    const rows = await this.db
      .selectFrom('scheduling_schedules')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(scheduleFromRow);
  }

  async findById(userId: string, id: string): Promise<Schedule | undefined> {
    const row = await this.db
      .selectFrom('scheduling_schedules')
      .selectAll()
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && scheduleFromRow(row);
  }

  async findDefault(userId: string): Promise<Schedule | undefined> {
    const row = await this.db
      .selectFrom('scheduling_schedules')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('is_default', 'desc')
      .orderBy('created_at')
      .limit(1)
      .executeTakeFirst();
    return row && scheduleFromRow(row);
  }

  async insert(userId: string, schedule: Schedule, now: number): Promise<void> {
    await this.db
      .insertInto('scheduling_schedules')
      .values({ ...scheduleToRow(schedule), user_id: userId, created_at: now, updated_at: now })
      .execute();
  }

  async update(userId: string, schedule: Schedule, now: number): Promise<void> {
    await this.db
      .updateTable('scheduling_schedules')
      .set({ ...scheduleToRow(schedule), updated_at: now })
      .where('user_id', '=', userId)
      .where('id', '=', schedule.id)
      .execute();
  }

  async clearDefault(userId: string, exceptId: string): Promise<void> {
    await this.db
      .updateTable('scheduling_schedules')
      .set({ is_default: 0 })
      .where('user_id', '=', userId)
      .where('id', '!=', exceptId)
      .execute();
  }

  async delete(userId: string, id: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('scheduling_schedules')
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}

function scheduleToRow(s: Schedule): Omit<SchedulingSchedulesTable, 'user_id' | 'created_at' | 'updated_at'> {
  return {
    id: s.id,
    name: s.name,
    time_zone: s.timezone,
    is_default: s.isDefault ? 1 : 0,
    weekly: JSON.stringify(s.weekly),
    overrides: JSON.stringify(s.overrides),
    out_of_office: JSON.stringify(s.outOfOffice),
  };
}

export function scheduleFromRow(row: SchedulingSchedulesTable): Schedule {
  return {
    id: row.id,
    name: row.name,
    timezone: row.time_zone,
    isDefault: row.is_default === 1,
    weekly: JSON.parse(row.weekly) as Schedule['weekly'],
    overrides: JSON.parse(row.overrides) as Schedule['overrides'],
    outOfOffice: JSON.parse(row.out_of_office) as Schedule['outOfOffice'],
  };
}
