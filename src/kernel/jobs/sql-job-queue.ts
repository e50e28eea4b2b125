import type { FastifyBaseLogger } from 'fastify';
import { newId } from '../crypto/tokens.ts';
import type { Clock } from '../clock.ts';
import type { JobClaim, JobRepository } from './job-repository.ts';
import type { EnqueueOptions, HandlerOptions, JobHandler, JobQueue } from './job-queue.ts';

interface Registered {
  handler: JobHandler<unknown>;
  backoffMs: number;
  maxAttempts: number;
}

export interface SqlJobQueueOptions {
  repo: JobRepository;
  /** True when this is the only node (SQLite): jobs left running by a crash resume at once. */
  singleNode: boolean;
  clock: Clock;
  log: FastifyBaseLogger;
  pollMs: number;
  concurrency: number;
  leaseMs: number;
  /** How long stop() waits for running jobs before giving them back (SHUTDOWN_GRACE_MS). */
  stopGraceMs?: number;
}

/**
 * The job queue on the platform's own database (SQLite or PostgreSQL, claimed with
 * `FOR UPDATE SKIP LOCKED` there). Each node polls for due jobs and is woken at once by its
 * own enqueues; a job whose node died is taken over when its lease runs out.
 */
export class SqlJobQueue implements JobQueue {
  private readonly handlers = new Map<string, Registered>();
  private timer: NodeJS.Timeout | undefined;
  private running = 0;
  private stopped = true;
  private pumping: Promise<void> | undefined;
  /** Jobs this node runs now (with what stops their lease renewal), and those it gave back at shutdown. */
  private readonly inFlight = new Map<string, { claim: JobClaim; stopRenewing: () => void }>();
  private readonly givenBack = new Set<string>();
  private stopping: Promise<void> | undefined;
  /** drain() runs jobs on a stopped queue too (tests, the CLI). */
  private draining = false;

  constructor(private readonly options: SqlJobQueueOptions) {}

  async enqueue<T>(name: string, payload: T, options: EnqueueOptions = {}): Promise<string | undefined> {
    const now = this.options.clock.now();
    const id = newId();
    const inserted = await this.options.repo.insert(
      {
        id,
        name,
        payload: JSON.stringify(payload ?? null),
        dedupe_key: options.key ?? null,
        status: 'pending',
        attempts: 0,
        max_attempts: options.maxAttempts ?? this.handlers.get(name)?.maxAttempts ?? 5,
        run_at: options.runAt ?? now,
        locked_until: null,
        last_error: null,
        created_at: now,
        updated_at: now,
      },
      options.within,
    );
    // A waiting retry of the same work is brought forward when the person asks again now.
    const hurried =
      !inserted && options.hurry && options.key !== undefined
        ? await this.options.repo.hurry(name, options.key, options.runAt ?? now, now)
        : false;
    // A job inserted in a transaction is not there yet: its caller wakes the queue after the commit.
    if ((inserted || hurried) && !options.within) this.wake();
    return inserted ? id : undefined;
  }

  handle<T>(name: string, handler: JobHandler<T>, options: HandlerOptions = {}): void {
    this.handlers.set(name, {
      handler: handler as JobHandler<unknown>,
      backoffMs: options.backoffMs ?? 1000,
      maxAttempts: options.maxAttempts ?? 5,
    });
  }

  start(): void {
    this.stopped = false;
    this.stopping = undefined;
    const recovered = this.options.singleNode
      ? this.options.repo.releaseLeases(this.options.clock.now())
      : Promise.resolve();
    recovered.then(
      () => this.schedule(0),
      (error: unknown) => this.options.log.error({ err: error }, 'job queue could not recover leases'),
    );
  }

  /**
   * Claims nothing more and waits up to `graceMs` for the jobs running here to finish; those
   * still running then go back to the queue at once (due now), for another node or this one
   * after its restart, rather than waiting out their lease.
   */
  stop(graceMs = this.options.stopGraceMs ?? 10_000): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.stopping ??= this.finishOrGiveBack(graceMs);
    return this.stopping;
  }

  private async finishOrGiveBack(graceMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), graceMs);
    });
    const outcome = await Promise.race([this.pumping ?? Promise.resolve(), graceOver]);
    clearTimeout(timer);
    if (outcome !== 'late' || this.inFlight.size === 0) return;
    const running = [...this.inFlight.values()];
    for (const { claim, stopRenewing } of running) {
      this.givenBack.add(claim.id);
      stopRenewing();
    }
    const now = this.options.clock.now();
    await Promise.all(running.map(({ claim }) => this.options.repo.giveBack(claim, now)));
    this.options.log.warn(
      { jobs: running.map(({ claim }) => claim.id) },
      'shutdown: jobs still running after the grace period went back to the queue',
    );
  }

  async drain(): Promise<void> {
    this.draining = true;
    try {
      for (;;) {
        await this.pumping;
        const ran = await this.runDue();
        if (ran === 0 && this.running === 0) return;
      }
    } finally {
      this.draining = false;
    }
  }

  wake(): void {
    if (!this.stopped) this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.pumping ??= this.runDue()
        .catch((error: unknown) => this.options.log.error({ err: error }, 'job queue poll failed'))
        .then(() => undefined)
        .finally(() => {
          this.pumping = undefined;
          this.schedule(this.options.pollMs);
        });
    }, delayMs);
    this.timer.unref();
  }

  /** Claims and runs due jobs, up to the concurrency limit, until none is due; returns how many ran. */
  private async runDue(): Promise<number> {
    let ran = 0;
    const names = [...this.handlers.keys()];
    const workers = Array.from({ length: this.options.concurrency }, async () => {
      for (;;) {
        // A stopping node claims nothing more: its pump ends with the jobs it has.
        if (this.stopped && !this.draining) return;
        const job = await this.options.repo.claim(names, this.options.clock.now(), this.options.leaseMs);
        if (!job) return;
        ran++;
        await this.execute(job.id, job.name, job.payload, job.attempts, job.max_attempts);
      }
    });
    await Promise.all(workers);
    return ran;
  }

  private async execute(
    id: string,
    name: string,
    payload: string,
    attempt: number,
    maxAttempts: number,
  ): Promise<void> {
    const registered = this.handlers.get(name)!;
    const claim = { id, attempt };
    this.running++;
    const stopRenewing = this.keepLease(claim, name);
    this.inFlight.set(id, { claim, stopRenewing });
    try {
      await registered.handler(JSON.parse(payload) as unknown, { id, attempt });
      stopRenewing();
      if (this.givenBack.has(id)) return; // given back at shutdown: its next run records the outcome
      await this.options.repo.complete(claim, this.options.clock.now());
    } catch (error) {
      stopRenewing();
      if (this.givenBack.has(id)) return;
      const message = error instanceof Error ? error.message : String(error);
      const now = this.options.clock.now();
      if (attempt >= maxAttempts) {
        this.options.log.warn({ job: id, name, attempt, err: error }, 'job failed for good');
        await this.options.repo.fail(claim, message, now);
      } else {
        await this.options.repo.retryLater(claim, now + registered.backoffMs * 2 ** (attempt - 1), message, now);
      }
    } finally {
      this.running--;
      this.inFlight.delete(id);
    }
  }

  /**
   * Renews a running job's lease every third of it, so a job that runs longer than the lease
   * (a large wallet's first sync) is not claimed by another node while this one still runs it:
   * only a node that stopped answering loses its jobs. Returns the function that stops renewing.
   */
  private keepLease(claim: JobClaim, name: string): () => void {
    const { repo, clock, leaseMs, log } = this.options;
    const timer = setInterval(() => {
      repo.renewLease(claim, clock.now() + leaseMs).then(
        (held) => {
          if (!held)
            log.warn({ job: claim.id, name }, 'job lost its lease to another node; its outcome is not recorded');
        },
        (error: unknown) => log.warn({ err: error, job: claim.id, name }, 'job lease could not be renewed'),
      );
    }, leaseMs / 3);
    timer.unref();
    return () => clearInterval(timer);
  }
}
