import type { Db } from '../db/database.ts';

/** What a handler learns about the job it runs. */
export interface JobInfo {
  id: string;
  /** 1 on the first run, 2 on the first retry, … */
  attempt: number;
}

export interface EnqueueOptions {
  /** Epoch ms; default now. */
  runAt?: number;
  /**
   * The same work: while a job with this name and key waits, enqueueing another is a no-op; one
   * enqueued while it runs waits for that run to end (two never run at once).
   */
  key?: string;
  maxAttempts?: number;
  /**
   * With `key`: when a job with that key is already waiting (a retry's backoff), it becomes due at
   * `runAt` instead of later. For a person asking again now; a running job is left alone.
   */
  hurry?: boolean;
  /**
   * The transaction to insert the job in: it exists exactly when the caller's work commits (a
   * crash or a lost database between the two loses nothing). Call `wake()` after the commit.
   */
  within?: Db;
}

export interface HandlerOptions {
  /** First retry delay; doubles on each further failure. Default 1000 ms. */
  backoffMs?: number;
  /** Default for jobs of this name enqueued without maxAttempts. */
  maxAttempts?: number;
}

export type JobHandler<T> = (payload: T, job: JobInfo) => Promise<void>;

/**
 * Durable background work: a job survives crashes and restarts and runs at least once, so
 * handlers must be idempotent. A handler that throws is retried with exponential backoff
 * until its attempts run out; then the job is `failed` (kept, with its last error).
 */
export interface JobQueue {
  enqueue<T>(name: string, payload: T, options?: EnqueueOptions): Promise<string | undefined>;
  handle<T>(name: string, handler: JobHandler<T>, options?: HandlerOptions): void;
  start(): void;
  /** Looks for due jobs now rather than at the next poll (after committing jobs enqueued `within`). */
  wake(): void;
  /** Claims no more jobs; waits up to `graceMs` for running ones, then gives them back to the queue. */
  stop(graceMs?: number): Promise<void>;
  /** Runs every job that is due (by the injected clock) until none is; for tests and the CLI. */
  drain(): Promise<void>;
}
