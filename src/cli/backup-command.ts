import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import type { Config } from '../config.ts';
import { sqliteFile } from '../kernel/db/database.ts';

const PG_DUMP_HINT =
  'consentry backup copies a SQLite database. On PostgreSQL use its own tools, which are consistent while nodes serve: ' +
  'pg_dump --format=custom --file=consentry.dump "$DATABASE_URL" (restore with pg_restore).';

/**
 * `consentry backup <file>`: a consistent copy of the SQLite database while the server keeps
 * serving, through SQLite's online backup API (better-sqlite3's `backup()`). The copy is one
 * read transaction over all pages: under WAL a reader blocks no writer, and it sees one commit's
 * state, never half of one. The copy is then opened and checked (`integrity_check`).
 */
export async function runBackupCommand(config: Config, args: string[]): Promise<number> {
  const target = args[0];
  if (!target || args.length > 1) {
    console.error('Usage: consentry backup <file>');
    return 2;
  }
  const source = sqliteFile(config.DATABASE_URL);
  if (source === undefined) {
    console.error(PG_DUMP_HINT);
    return 2;
  }
  if (source === ':memory:') {
    console.error('DATABASE_URL names an in-memory database: there is nothing on disk to back up.');
    return 2;
  }
  if (!existsSync(resolve(source))) {
    console.error(`No database at ${resolve(source)} (DATABASE_URL).`);
    return 1;
  }
  if (existsSync(target)) {
    console.error(`${target} exists already; name a new file (a backup never overwrites one).`);
    return 2;
  }
  const started = Date.now();
  const database = new SqliteDatabase(resolve(source), { fileMustExist: true });
  try {
    database.pragma('busy_timeout = 5000');
    // The whole database in one step: a copy in small steps restarts whenever the server commits
    // between two of them, and could then never finish on a busy server.
    await database.backup(target, { progress: () => Number.MAX_SAFE_INTEGER });
  } finally {
    database.close();
  }
  const copy = new SqliteDatabase(target, { readonly: true, fileMustExist: true });
  try {
    const check = copy.pragma('integrity_check', { simple: true });
    if (check !== 'ok') {
      console.error(`The copy at ${target} failed its integrity check: ${String(check)}`);
      return 1;
    }
  } finally {
    copy.close();
  }
  const megabytes = (statSync(target).size / 1e6).toFixed(1);
  console.log(
    `Backed up ${resolve(source)} to ${target} (${megabytes} MB, ${Date.now() - started} ms); integrity_check ok.`,
  );
  return 0;
}
