import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../helpers/server.ts';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../bin/consentry.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'consentry-backup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function backup(env: Record<string, string>, ...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, 'backup', ...args], {
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', DATA_DIR: dir, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** `consentry backup` takes a consistent copy of a SQLite database that a server keeps writing to. */
describe('consentry backup', () => {
  it('copies a SQLite database while the server writes to it; the copy is whole and holds every commit before it', async () => {
    const databaseUrl = `sqlite:${join(dir, 'live.db')}`;
    const server = await startTestServer({ databaseUrl });
    try {
      const created: string[] = [];
      const write = async (n: number) => {
        const user = await server.accounts.users.create({ email: `person${n}@example.com` });
        created.push(user.id);
      };
      for (let n = 0; n < 200; n++) await write(n);
      const beforeBackup = [...created];

      // The server keeps committing, one person after another, while the backup runs (yielding to
      // the event loop between commits, which SQLite's driver alone never does; and at most a few
      // thousand, so a backup that never ends cannot grow the WAL without bound).
      let writing = true;
      const writer = (async () => {
        for (let n = 200; writing && n < 5000; n++) {
          await write(n);
          await new Promise((resolve) => setImmediate(resolve));
        }
      })();
      const target = join(dir, 'copy.db');
      const result = await backup({ DATABASE_URL: databaseUrl }, target);
      writing = false;
      await writer;
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('integrity_check ok');

      const copy = new SqliteDatabase(target, { readonly: true });
      try {
        expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
        const ids = new Set(copy.prepare('select id from users').pluck().all() as string[]);
        for (const id of beforeBackup) expect(ids.has(id)).toBe(true);
        // A snapshot of one moment: whatever it holds beyond that is a prefix of what came next.
        expect([...ids].every((id) => created.includes(id))).toBe(true);
        expect(created.slice(0, ids.size).every((id) => ids.has(id))).toBe(true);
      } finally {
        copy.close();
      }

      // A backup never overwrites a file.
      const again = await backup({ DATABASE_URL: databaseUrl }, target);
      expect(again.code).toBe(2);
      expect(again.stderr).toContain('exists already');
    } finally {
      await server.close();
    }
  }, 60_000);

  it('refuses on PostgreSQL, pointing to pg_dump, without connecting', async () => {
    const result = await backup({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' }, join(dir, 'pg.db'));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('pg_dump');
  });

  it('asks for a file name', async () => {
    const result = await backup({ DATABASE_URL: `sqlite:${join(dir, 'live.db')}` });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Usage: consentry backup <file>');
  });
});
