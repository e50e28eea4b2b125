import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyBaseLogger } from 'fastify';
import { isDatabaseUnavailable } from './unavailable.ts';

/** The first retry comes after half a second; each failure doubles the wait, up to 5 s. */
const FIRST_RETRY_MS = 500;
const LONGEST_RETRY_MS = 5000;

/** Milliseconds to wait after the `failures`-th failed attempt in a row. */
export function retryDelayMs(failures: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** (failures - 1), LONGEST_RETRY_MS);
}

/**
 * Runs `open` (connect, migrate, load the keys) until PostgreSQL answers. Nodes and their database
 * start in any order (a cluster booting beside them, a failover, a DNS name not there yet), so a
 * node that starts first waits, logging one line per failed attempt, rather than exiting into a
 * supervisor's restart loop. Only "out of reach for now" is waited on — refused, reset or timed-out
 * connections, a name that does not resolve yet, 57P03 "starting up", too many connections (the
 * list is unavailable.ts's, the one requests are answered 503 by). Anything else — bad credentials
 * (28P01), a database that does not exist (3D000), a migration that fails or outlasts
 * DATABASE_STATEMENT_TIMEOUT_MS — is thrown: retrying would not change it.
 */
export async function untilDatabaseAnswers<T>(
  open: () => Promise<T>,
  log: FastifyBaseLogger,
  database: string,
  wait: (ms: number) => Promise<unknown> = sleep,
): Promise<T> {
  for (let failures = 1; ; failures++) {
    try {
      const opened = await open();
      if (failures > 1) log.info({ database, attempts: failures }, 'the database answers: starting');
      return opened;
    } catch (error) {
      if (!isDatabaseUnavailable(error) || isStatementTimeout(error)) throw error;
      const retryInMs = retryDelayMs(failures);
      // The reason, not the stack: the same few frames every attempt would bury the log.
      log.warn(
        { database, attempt: failures, retryInMs, reason: reasonOf(error) },
        'the database cannot be reached yet; the node answers 503 until it can',
      );
      await wait(retryInMs);
    }
  }
}

/** 57014: the server cancelled a statement that ran past its timeout. It answers; the work is too long. */
function isStatementTimeout(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === '57014';
}

/** host:port/name of a PostgreSQL URL, for the log: never its user or password. */
export function databaseLabel(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
}

/** The error's message with its code (a refused `localhost` gives an AggregateError whose message is empty). */
function reasonOf(error: unknown): string {
  const { message, code } = (error ?? {}) as { message?: unknown; code?: unknown };
  const text = typeof message === 'string' ? message : '';
  const codeText = typeof code === 'string' ? code : '';
  if (text && codeText && !text.includes(codeText)) return `${text} (${codeText})`;
  return text || codeText || String(error);
}
