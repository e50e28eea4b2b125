import type BetterSqlite3 from 'better-sqlite3';
import type { Db } from './database.ts';

export interface GroupCommitOptions {
  /**
   * Check that every unit keeps the rule below: one whose promise does not settle while only
   * microtasks run (it awaited a timer, I/O, a Kysely query…) is failed with
   * `GroupCommitUnitAwaited`. For tests: the check spins the microtask queue after each unit.
   */
  checkUnits?: boolean;
}

/** What one group commit did, for statistics (bench/token-handlers.ts). */
export interface CommittedGroup {
  /** Units in the group, whether they succeeded or not. */
  units: number;
  /** Wall time from BEGIN until every unit's promise was settled, in nanoseconds. */
  durationNs: number;
}

/** A unit awaited something besides its transaction's synchronous statements. */
export class GroupCommitUnitAwaited extends Error {
  constructor() {
    super(
      'a group-commit unit awaited something besides its transaction: a unit may touch storage only through ' +
        'the synchronous statements it was built around, and must not await timers, I/O, Kysely or other promises',
    );
    this.name = 'GroupCommitUnitAwaited';
  }
}

/** How many microtask turns a unit may take to settle under `checkUnits` (a few per statement). */
const UNIT_MICROTASK_BUDGET = 10_000;

interface Unit {
  work: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Atomic units of work on SQLite that share their commit with whatever other units arrived in
 * the same turn of the event loop ("group commit"). A commit writes every page it changed to
 * the WAL; the token endpoint changes a few pages per request, mostly the same last pages of
 * each index, so one commit for the units of a turn writes far less than one commit each
 * (bench/: a refresh's storage cost fell from about 180 µs to about 60 µs).
 *
 * Each unit runs inside its own savepoint: one that throws leaves nothing behind and does not
 * disturb the others. No unit's promise settles before the commit that made it durable.
 *
 * A unit must use only the synchronous statements it was built around, never `db` (Kysely):
 * the group holds Kysely's connection while it runs, so a Kysely query would wait forever; nor
 * may it await anything else, which would hold the transaction open across event-loop turns.
 * With `checkUnits` (tests) a unit breaking this rule fails loudly.
 */
export class SqliteGroupCommit {
  private pending: Unit[] = [];
  private scheduled = false;
  private readonly begin: BetterSqlite3.Statement;
  private readonly commit: BetterSqlite3.Statement;
  private readonly rollback: BetterSqlite3.Statement;
  private readonly savepoint: BetterSqlite3.Statement;
  private readonly release: BetterSqlite3.Statement;
  private readonly rollbackToSavepoint: BetterSqlite3.Statement;
  private readonly checkUnits: boolean;
  private listeners: Array<(group: CommittedGroup) => void> = [];

  constructor(
    private readonly db: Db,
    private readonly sqlite: BetterSqlite3.Database,
    options: GroupCommitOptions = {},
  ) {
    this.checkUnits = options.checkUnits ?? false;
    this.begin = sqlite.prepare('BEGIN IMMEDIATE');
    this.commit = sqlite.prepare('COMMIT');
    this.rollback = sqlite.prepare('ROLLBACK');
    this.savepoint = sqlite.prepare('SAVEPOINT unit');
    this.release = sqlite.prepare('RELEASE unit');
    this.rollbackToSavepoint = sqlite.prepare('ROLLBACK TO unit');
  }

  run<T>(work: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      // setImmediate runs after this turn's I/O callbacks: every request already read joins.
      setImmediate(() => void this.flush());
    });
  }

  /**
   * Calls `listener` after each group, as its units are settled (committed or rolled back) and
   * before their awaiters resume; returns a function that removes it. Without listeners nothing
   * is measured.
   */
  onGroupCommitted(listener: (group: CommittedGroup) => void): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  private async flush(): Promise<void> {
    try {
      // Holding Kysely's connection keeps its queries and transactions off it meanwhile.
      await this.db.connection().execute(async () => {
        const units = this.pending;
        this.pending = [];
        this.scheduled = false;
        await this.runGroup(units);
      });
    } catch (error) {
      // The connection could not be had (closing down): nothing ran, nothing was written.
      const units = this.pending;
      this.pending = [];
      this.scheduled = false;
      for (const unit of units) unit.reject(error);
    }
  }

  private async runGroup(units: Unit[]): Promise<void> {
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    let groupError: unknown;
    const started = this.listeners.length === 0 ? 0n : process.hrtime.bigint();
    try {
      this.begin.run();
      try {
        for (const unit of units) {
          this.savepoint.run();
          try {
            outcomes.push({
              ok: true,
              value: await (this.checkUnits ? settledWithoutWaiting(unit.work()) : unit.work()),
            });
            this.release.run();
          } catch (error) {
            this.rollbackToSavepoint.run();
            this.release.run();
            outcomes.push({ ok: false, error });
          }
        }
        this.commit.run();
      } catch (error) {
        if (this.sqlite.inTransaction) this.rollback.run();
        throw error;
      }
    } catch (error) {
      // BEGIN, a savepoint or COMMIT failed (disk full, I/O error): nothing of the group stays.
      groupError = error;
    }
    units.forEach((unit, i) => {
      const outcome = outcomes[i];
      if (outcome && !outcome.ok) unit.reject(outcome.error);
      else if (groupError !== undefined) unit.reject(groupError);
      else unit.resolve(outcome!.value);
    });
    if (started !== 0n) this.report({ units: units.length, durationNs: Number(process.hrtime.bigint() - started) });
  }

  private report(group: CommittedGroup): void {
    for (const listener of this.listeners) {
      try {
        listener(group);
      } catch (error) {
        // Not this group's failure (it is settled): surface it as an uncaught listener error.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}

/**
 * `promise`, if it settles while only microtasks run; else `GroupCommitUnitAwaited`. While this
 * keeps the microtask queue busy no timer or I/O callback can run, so a unit waiting on one
 * cannot settle, however fast that would have been: the check is deterministic.
 */
async function settledWithoutWaiting<T>(promise: Promise<T>): Promise<T> {
  let settled = false;
  const done = () => {
    settled = true;
  };
  promise.then(done, done);
  for (let turn = 0; !settled && turn < UNIT_MICROTASK_BUDGET; turn++) await undefined;
  if (!settled) throw new GroupCommitUnitAwaited();
  return promise;
}
