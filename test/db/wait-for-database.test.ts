import pg from 'pg';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { databaseLabel, untilDatabaseAnswers } from '../../src/kernel/db/wait-for-database.ts';
import { freePort } from '../helpers/server.ts';

/** A logger whose lines the test reads. */
function capturedLog() {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { log, lines };
}

/** A real connection attempt to a port nothing listens on: pg's own ECONNREFUSED. */
async function connectTo(port: number): Promise<void> {
  const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/consentry` });
  client.on('error', () => {});
  await client.connect();
}

describe('waiting for the database at start', () => {
  it('retries refused connections, the waits doubling from 0.5 s to 5 s, and returns once it opens', async () => {
    const closed = await freePort();
    const { log, lines } = capturedLog();
    const waits: number[] = [];
    let attempts = 0;
    const opened = await untilDatabaseAnswers(
      async () => {
        if (++attempts <= 6) await connectTo(closed);
        return 'kernel';
      },
      log,
      `127.0.0.1:${closed}/consentry`,
      async (ms) => void waits.push(ms),
    );
    expect(opened).toBe('kernel');
    expect(waits).toEqual([500, 1000, 2000, 4000, 5000, 5000]);
    const warnings = lines.filter((line) => line.level === 40);
    expect(warnings).toHaveLength(6);
    expect(warnings[0]).toMatchObject({ attempt: 1, retryInMs: 500, database: `127.0.0.1:${closed}/consentry` });
    expect(String(warnings[0]!.reason)).toContain('ECONNREFUSED');
    expect(warnings[0]).not.toHaveProperty('err'); // the reason, not a stack
    expect(lines.at(-1)).toMatchObject({ level: 30, attempts: 7, msg: 'the database answers: starting' });
  });

  it.each([
    ['28P01', 'password authentication failed for user "consentry"'],
    ['3D000', 'database "consentry" does not exist'],
    ['57014', 'canceling statement due to statement timeout'],
  ])('does not wait on an error retrying cannot fix (%s)', async (code, message) => {
    const { log, lines } = capturedLog();
    let attempts = 0;
    const failing = untilDatabaseAnswers(
      async () => {
        attempts++;
        throw Object.assign(new Error(message), { code });
      },
      log,
      'db:5432/consentry',
      async () => {},
    );
    await expect(failing).rejects.toThrow(message);
    expect(attempts).toBe(1);
    expect(lines).toEqual([]);
  });

  it('labels a database by host, port and name, never by its credentials', () => {
    expect(databaseLabel('postgres://consentry:s3cret@db.internal/consentry')).toBe('db.internal:5432/consentry');
    expect(databaseLabel('postgresql://u:p@10.0.0.5:6543/app')).toBe('10.0.0.5:6543/app');
  });
});
