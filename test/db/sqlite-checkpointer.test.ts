import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/kernel/db/database.ts';

describe('SQLite WAL checkpoints in a worker thread', () => {
  let dir: string;
  let handle: DatabaseHandle | undefined;
  afterEach(async () => {
    await handle?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies committed pages into the database file without any commit doing it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'consentry-ckpt-'));
    const file = join(dir, 'test.db');
    handle = openDatabase(`sqlite:${file}`);
    if (handle.dialect !== 'sqlite') throw new Error('expected SQLite');
    const { sqlite } = handle;
    expect(sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    sqlite.exec('CREATE TABLE t (v TEXT)');
    const before = statSync(file).size;
    const insert = sqlite.prepare('INSERT INTO t (v) VALUES (?)');
    sqlite.transaction(() => {
      for (let i = 0; i < 200; i++) insert.run('x'.repeat(1000));
    })();
    // The pages sit in the WAL until the worker's checkpoint moves them into the file.
    const deadline = Date.now() + 10_000;
    while (statSync(file).size <= before + 100_000 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(statSync(file).size).toBeGreaterThan(before + 100_000);
  });

  it('close stops the worker and closes the connection, even one that never ran a query', async () => {
    dir = mkdtempSync(join(tmpdir(), 'consentry-ckpt-'));
    const opened = openDatabase(`sqlite:${join(dir, 'test.db')}`);
    await opened.close();
    if (opened.dialect === 'sqlite') expect(opened.sqlite.open).toBe(false);
  });
});
