import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { openDatabase, type DatabaseHandle } from '../../src/kernel/db/database.ts';
import { migrateToLatest } from '../../src/kernel/db/migrate.ts';
import { createJobQueue, type JobQueue } from '../../src/kernel/jobs/index.ts';
import { freshDatabaseUrl, testDialects } from '../helpers/database.ts';
import { TestClock } from '../helpers/test-clock.ts';

describe.each(testDialects())('durable job queue (%s)', (dialect) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup(
    url?: string,
    leaseMs = 60_000,
  ): Promise<{ database: DatabaseHandle; queue: JobQueue; clock: TestClock; url: string }> {
    let databaseUrl = url;
    if (!databaseUrl) {
      const fresh = await freshDatabaseUrl(dialect);
      databaseUrl =
        dialect === 'sqlite'
          ? `sqlite:${(await import('node:os')).tmpdir()}/jobs-${Date.now()}-${Math.random()}.db`
          : fresh.url;
      cleanups.push(fresh.drop);
    }
    const database = openDatabase(databaseUrl);
    await migrateToLatest(database.db);
    const clock = new TestClock(Date.now());
    const queue = createJobQueue(database, clock, pino({ level: 'silent' }), {
      pollMs: 50,
      concurrency: 2,
      leaseMs,
    });
    cleanups.push(async () => {
      await queue.stop();
      await database.close();
    });
    return { database, queue, clock, url: databaseUrl };
  }

  it('runs a job once, dedupes by key, and retries with exponential backoff', async () => {
    const { queue, clock, database } = await setup();
    const seen: Array<{ value: number; attempt: number }> = [];
    queue.handle<{ value: number }>(
      'flaky',
      async (payload, job) => {
        seen.push({ value: payload.value, attempt: job.attempt });
        if (job.attempt < 3) throw new Error(`boom ${job.attempt}`);
      },
      { backoffMs: 1000, maxAttempts: 5 },
    );
    expect(await queue.enqueue('flaky', { value: 7 }, { key: 'k' })).toBeTypeOf('string');
    expect(await queue.enqueue('flaky', { value: 8 }, { key: 'k' })).toBeUndefined();
    await queue.drain();
    expect(seen).toEqual([{ value: 7, attempt: 1 }]);
    clock.advance(999);
    await queue.drain();
    expect(seen).toHaveLength(1); // not due yet
    clock.advance(1);
    await queue.drain();
    clock.advance(2000); // second retry waits twice as long
    await queue.drain();
    expect(seen.map((s) => s.attempt)).toEqual([1, 2, 3]);
    const row = await database.db.selectFrom('jobs').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'done', attempts: 3 });
  });

  it('brings a waiting retry forward when the same key is enqueued with hurry, and only then', async () => {
    const { queue, clock } = await setup();
    const attempts: number[] = [];
    queue.handle(
      'retried',
      async (_payload, job) => {
        attempts.push(job.attempt);
        if (job.attempt === 1) throw new Error('first time');
      },
      { backoffMs: 60_000, maxAttempts: 3 },
    );
    await queue.enqueue('retried', {}, { key: 'c1' });
    await queue.drain();
    expect(attempts).toEqual([1]); // now waiting a minute
    expect(await queue.enqueue('retried', {}, { key: 'c1' })).toBeUndefined();
    await queue.drain();
    expect(attempts).toEqual([1]); // a plain enqueue leaves the backoff as it is
    expect(await queue.enqueue('retried', {}, { key: 'c1', hurry: true })).toBeUndefined();
    await queue.drain();
    expect(attempts).toEqual([1, 2]); // the same job, its second attempt, without the clock moving
    clock.advance(120_000);
    await queue.drain();
    expect(attempts).toEqual([1, 2]);
  });

  it('marks a job failed when its attempts run out, keeping the last error', async () => {
    const { queue, clock, database } = await setup();
    queue.handle(
      'doomed',
      async () => {
        throw new Error('always');
      },
      { backoffMs: 10, maxAttempts: 2 },
    );
    await queue.enqueue('doomed', {});
    await queue.drain();
    clock.advance(10);
    await queue.drain();
    const row = await database.db.selectFrom('jobs').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'failed', attempts: 2, last_error: 'always' });
  });

  it('resumes a job whose process died mid-run', async () => {
    const first = await setup();
    let release: () => void = () => {};
    first.queue.handle('long', () => new Promise<void>((resolve) => (release = resolve)));
    await first.queue.enqueue('long', {});
    first.queue.start();
    // Wait until the job is claimed by the first "process", then abandon it.
    for (let i = 0; i < 1000; i++) {
      const row = await first.database.db.selectFrom('jobs').select('status').executeTakeFirstOrThrow();
      if (row.status === 'running') break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    const second = await setup(first.url);
    const ran: number[] = [];
    second.queue.handle('long', async (_payload, job) => {
      ran.push(job.attempt);
    });
    if (dialect === 'sqlite') {
      second.queue.start(); // the only node: orphaned leases end at start
      for (let i = 0; i < 1000 && ran.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    } else {
      second.clock.advance(60_001); // another node takes over when the lease runs out
      await second.queue.drain();
    }
    expect(ran).toEqual([2]);
    release();
  });

  it('keeps the lease of a job that runs longer than it: no other node runs the job at the same time', async () => {
    const first = await setup(undefined, 300);
    let release: () => void = () => {};
    first.queue.handle('long', () => new Promise<void>((resolve) => (release = resolve)));
    await first.queue.enqueue('long', {});
    first.queue.start();
    // Each read first lets timers run (SQLite's reads settle in microtasks alone).
    const row = async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return first.database.db.selectFrom('jobs').selectAll().executeTakeFirstOrThrow();
    };
    let claimed = await row();
    while (claimed.status !== 'running') claimed = await row();
    // The job has now run longer than its 300 ms lease; its node renews it while it runs.
    first.clock.advance(1000);
    let renewed = await row();
    while (renewed.locked_until! <= claimed.locked_until!) renewed = await row();
    expect(renewed).toMatchObject({ status: 'running', attempts: 1 });

    const second = await setup(first.url, 300);
    const ran: number[] = [];
    second.queue.handle('long', async (_payload, job) => {
      ran.push(job.attempt);
    });
    // Past the first lease, inside the renewed one: another node finds nothing to take over.
    second.clock.advance(claimed.locked_until! + 1 - second.clock.now());
    await second.queue.drain();
    expect(ran).toEqual([]);
    release();
    let finished = await row();
    while (finished.status !== 'done') finished = await row();
    expect(finished.attempts).toBe(1);
  });

  it('runs a job enqueued with the key of a running one after that run, never beside it', async () => {
    const { queue, database, url } = await setup();
    const other = await setup(url); // another node
    const runs: string[] = [];
    let release: () => void = () => {};
    const handler = async (payload: { n: number }) => {
      runs.push(`start ${payload.n}`);
      if (payload.n === 1) await new Promise<void>((resolve) => (release = resolve));
      runs.push(`end ${payload.n}`);
    };
    queue.handle('keyed', handler);
    other.queue.handle('keyed', handler);
    await queue.enqueue('keyed', { n: 1 }, { key: 'k' });
    queue.start();
    while (runs.length === 0) await new Promise((resolve) => setImmediate(resolve));
    // Asked for while the first runs: it waits (one waiting job per key), and does not start beside it.
    expect(await queue.enqueue('keyed', { n: 2 }, { key: 'k' })).toBeTypeOf('string');
    expect(await queue.enqueue('keyed', { n: 3 }, { key: 'k' })).toBeUndefined();
    await other.queue.drain();
    expect(runs).toEqual(['start 1']);
    release();
    while (runs.length < 4) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(runs).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
    // The handler has returned; its run is recorded done once the pump that ran it settles.
    await queue.drain();
    const rows = await database.db.selectFrom('jobs').select(['status']).execute();
    expect(rows.map((r) => r.status)).toEqual(['done', 'done']);
  });

  it('a failed run whose key was enqueued again meanwhile waits for its retry as the one job of its key', async () => {
    const { queue, clock, database } = await setup();
    const attempts: number[] = [];
    let release: () => void = () => {};
    queue.handle(
      'flaky-keyed',
      async (_payload, job) => {
        attempts.push(job.attempt);
        if (job.attempt === 1) {
          await new Promise<void>((resolve) => (release = resolve));
          throw new Error('first run fails');
        }
      },
      { backoffMs: 1000 },
    );
    await queue.enqueue('flaky-keyed', {}, { key: 'k' });
    queue.start();
    while (attempts.length === 0) await new Promise((resolve) => setImmediate(resolve));
    await queue.enqueue('flaky-keyed', {}, { key: 'k' });
    release();
    let rows = await database.db.selectFrom('jobs').selectAll().execute();
    while (rows.some((r) => r.status === 'running')) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      rows = await database.db.selectFrom('jobs').selectAll().execute();
    }
    expect(rows).toEqual([expect.objectContaining({ status: 'pending', attempts: 1, last_error: 'first run fails' })]);
    clock.advance(1000);
    await queue.drain();
    expect(attempts).toEqual([1, 2]);
  });
});
