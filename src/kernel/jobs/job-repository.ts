import { sql } from 'kysely';
import type { Db, Dialect } from '../db/database.ts';
import type { JobsTable } from '../db/schema.ts';

/** SQL of the job queue; one statement claims a job so two nodes never run the same one. */
export class JobRepository {
  constructor(
    private readonly db: Db,
    private readonly dialect: Dialect,
  ) {}

  /** False when a job with the same name and key is already waiting or running (the partial unique index). */
  async insert(row: JobsTable): Promise<boolean> {
    try {
      await this.db.insertInto('jobs').values(row).execute();
      return true;
    } catch (error) {
      if (row.dedupe_key !== null && isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /** Takes the next due job (or one whose lease ran out: its node died) and leases it. */
  async claim(names: string[], now: number, leaseMs: number): Promise<JobsTable | undefined> {
    if (names.length === 0) return undefined;
    let next = this.db
      .selectFrom('jobs')
      .select('id')
      .where('name', 'in', names)
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'pending'), eb('run_at', '<=', now)]),
          eb.and([eb('status', '=', 'running'), eb('locked_until', '<=', now)]),
        ]),
      )
      .orderBy('run_at')
      .limit(1);
    if (this.dialect === 'postgres') next = next.modifyEnd(sql`for update skip locked`);
    return this.db
      .updateTable('jobs')
      .set((eb) => ({
        status: 'running',
        locked_until: now + leaseMs,
        attempts: eb('attempts', '+', 1),
        updated_at: now,
      }))
      .where('id', '=', (eb) => eb.selectFrom(next.as('n')).select('n.id'))
      .returningAll()
      .executeTakeFirst();
  }

  /** One-node (SQLite) start: nothing else can be running these, so their leases end now. */
  async releaseLeases(now: number): Promise<void> {
    await this.db.updateTable('jobs').set({ locked_until: now }).where('status', '=', 'running').execute();
  }

  /** Shutdown: jobs this node was running are due again now, the interrupted run not counted as an attempt. */
  async giveBack(ids: string[], now: number): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .updateTable('jobs')
      .set((eb) => ({
        status: 'pending',
        run_at: now,
        locked_until: null,
        attempts: eb('attempts', '-', 1),
        updated_at: now,
      }))
      .where('id', 'in', ids)
      .where('status', '=', 'running')
      .execute();
  }

  async complete(id: string, now: number): Promise<void> {
    await this.db
      .updateTable('jobs')
      .set({ status: 'done', locked_until: null, last_error: null, updated_at: now })
      .where('id', '=', id)
      .execute();
  }

  async retryLater(id: string, runAt: number, error: string, now: number): Promise<void> {
    await this.db
      .updateTable('jobs')
      .set({ status: 'pending', run_at: runAt, locked_until: null, last_error: error, updated_at: now })
      .where('id', '=', id)
      .execute();
  }

  async fail(id: string, error: string, now: number): Promise<void> {
    await this.db
      .updateTable('jobs')
      .set({ status: 'failed', locked_until: null, last_error: error, updated_at: now })
      .where('id', '=', id)
      .execute();
  }

  async nextRunAt(names: string[]): Promise<number | undefined> {
    if (names.length === 0) return undefined;
    const row = await this.db
      .selectFrom('jobs')
      .select((eb) => eb.fn.min('run_at').as('next'))
      .where('name', 'in', names)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return row?.next == null ? undefined : Number(row.next);
  }
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** Finished jobs are kept a while for inspection, then purged in batches (by the janitor). */
export async function purgeFinishedJobs(db: Db, before: number, limit: number): Promise<number> {
  const doomed = db
    .selectFrom('jobs')
    .select('id')
    .where('status', 'in', ['done', 'failed'])
    .where('updated_at', '<=', before)
    .limit(limit);
  const result = await db.deleteFrom('jobs').where('id', 'in', doomed).executeTakeFirst();
  return Number(result.numDeletedRows);
}
