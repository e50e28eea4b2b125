/** What a handler learns about the job it runs. */
export interface JobInfo {
  id: string;
  /** 1 on the first run, 2 on the first retry, … */
  attempt: number;
}

export interface EnqueueOptions {
  /** Epoch ms; default now. */
  runAt?: number;
  /** While a job with this name and key waits or runs, enqueueing another is a no-op. */
  key?: string;
  maxAttempts?: number;
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
  /** Claims no more jobs; waits up to `graceMs` for running ones, then gives them back to the queue. */
  stop(graceMs?: number): Promise<void>;
  /** Runs every job that is due (by the injected clock) until none is; for tests and the CLI. */
  drain(): Promise<void>;
}
