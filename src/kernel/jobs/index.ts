import type { FastifyBaseLogger } from 'fastify';
import type { DatabaseHandle } from '../db/database.ts';
import type { Clock } from '../clock.ts';
import { JobRepository } from './job-repository.ts';
import { SqlJobQueue } from './sql-job-queue.ts';

export type { JobQueue, JobHandler, JobInfo, EnqueueOptions, HandlerOptions } from './job-queue.ts';
export { JobRepository } from './job-repository.ts';

export function createJobQueue(
  database: DatabaseHandle,
  clock: Clock,
  log: FastifyBaseLogger,
  options: { pollMs: number; concurrency: number; leaseMs: number; stopGraceMs?: number },
) {
  return new SqlJobQueue({
    repo: new JobRepository(database.db, database.dialect),
    singleNode: database.dialect === 'sqlite',
    clock,
    log,
    ...options,
  });
}
