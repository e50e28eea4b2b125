import { sql, type UpdateQueryBuilder, type UpdateResult } from 'kysely';
import type { Db, Dialect } from '../db/database.ts';
import type { Database, JobsTable } from '../db/schema.ts';

/** One claim of a job: the job and the attempt the claim made it. */
export interface JobClaim {
  id: string;
  attempt: number;
}

/** SQL of the job queue; one statement claims a job so two nodes never run the same one. */
export class JobRepository {
  constructor(
    private readonly db: Db,
    private readonly dialect: Dialect,
  ) {}

  /**
   * False when a job with the same name and key is already waiting (the partial unique index).
   * `within`: the caller's transaction (a conflict must not abort it, so none is raised).
   */
  async insert(row: JobsTable, within: Db = this.db): Promise<boolean> {
    const result = await within
      .insertInto('jobs')
      .values(row)
      .onConflict((conflict) => conflict.doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  /** Brings a waiting job of this name and key forward to `runAt`; false when none was waiting later than that. */
  async hurry(name: string, key: string, runAt: number, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('jobs')
      .set({ run_at: runAt, updated_at: now })
      .where('name', '=', name)
      .where('dedupe_key', '=', key)
      .where('status', '=', 'pending')
      .where('run_at', '>', runAt)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /**
   * Takes the next due job (or one whose lease ran out: its node died) and leases it; never a
   * waiting job whose key a running job has (it runs when that one has ended).
   */
  async claim(names: string[], now: number, leaseMs: number): Promise<JobsTable | undefined> {
    if (names.length === 0) return undefined;
    let next = this.db
      .selectFrom('jobs')
      .select('id')
      .where('name', 'in', names)
      .where((eb) =>
        eb.or([
          eb.and([
            eb('status', '=', 'pending'),
            eb('run_at', '<=', now),
            eb.or([
              eb('dedupe_key', 'is', null),
              eb.not(
                eb.exists(
                  eb
                    .selectFrom('jobs as r')
                    .select('r.id')
                    .whereRef('r.name', '=', 'jobs.name')
                    .whereRef('r.dedupe_key', '=', 'jobs.dedupe_key')
                    .where('r.status', '=', 'running'),
                ),
              ),
            ]),
          ]),
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

  /**
   * Extends the lease of a job this node still holds; false when it no longer does (its lease
   * ran out and another node claimed it). A claim is known by its attempt: each claim adds one.
   */
  async renewLease(claim: JobClaim, lockedUntil: number): Promise<boolean> {
    const result = await this.held(
      this.db.updateTable('jobs').set({ locked_until: lockedUntil }),
      claim,
    ).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /**
   * Shutdown: a job this node still holds is due again now, for another node (or this one after
   * its restart) to run. A job enqueued with its key meanwhile is the same work and gives way.
   */
  async giveBack(claim: JobClaim, now: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const job = await trx
        .selectFrom('jobs')
        .select(['name', 'dedupe_key'])
        .where('id', '=', claim.id)
        .where('status', '=', 'running')
        .where('attempts', '=', claim.attempt)
        .executeTakeFirst();
      if (!job) return; // no longer ours
      if (job.dedupe_key != null)
        await trx
          .deleteFrom('jobs')
          .where('name', '=', job.name)
          .where('dedupe_key', '=', job.dedupe_key)
          .where('status', '=', 'pending')
          .execute();
      await this.held(
        trx.updateTable('jobs').set({ status: 'pending', run_at: now, locked_until: null, updated_at: now }),
        claim,
      ).execute();
    });
  }

  async complete(claim: JobClaim, now: number): Promise<void> {
    await this.held(
      this.db.updateTable('jobs').set({ status: 'done', locked_until: null, last_error: null, updated_at: now }),
      claim,
    ).execute();
  }

  /**
   * Puts the job back to wait for its retry. A job enqueued with its key while it ran is the same
   * work: the retry takes its place (one waiting job per key).
   */
  async retryLater(claim: JobClaim, runAt: number, error: string, now: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const job = await trx
        .selectFrom('jobs')
        .select(['name', 'dedupe_key'])
        .where('id', '=', claim.id)
        .executeTakeFirst();
      if (job?.dedupe_key != null)
        await trx
          .deleteFrom('jobs')
          .where('name', '=', job.name)
          .where('dedupe_key', '=', job.dedupe_key)
          .where('status', '=', 'pending')
          .execute();
      await this.held(
        trx
          .updateTable('jobs')
          .set({ status: 'pending', run_at: runAt, locked_until: null, last_error: error, updated_at: now }),
        claim,
      ).execute();
    });
  }

  async fail(claim: JobClaim, error: string, now: number): Promise<void> {
    await this.held(
      this.db.updateTable('jobs').set({ status: 'failed', locked_until: null, last_error: error, updated_at: now }),
      claim,
    ).execute();
  }

  /** Only the claim that holds the job may change it: a node that lost its lease changes nothing. */
  private held<T extends UpdateQueryBuilder<Database, 'jobs', 'jobs', UpdateResult>>(update: T, claim: JobClaim): T {
    return update.where('id', '=', claim.id).where('status', '=', 'running').where('attempts', '=', claim.attempt) as T;
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
