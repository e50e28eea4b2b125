import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/kernel/db/database.ts';
import { startCheckpointer } from '../../src/kernel/db/sqlite-checkpointer.ts';

describe('SQLite WAL checkpoints off the committing connection', () => {
  let dir: string;
  let handle: DatabaseHandle | undefined;
  afterEach(async () => {
    await handle?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Waits (bounded) until the database file has grown past `size`: a checkpoint copied pages in. */
  const fileGrowsPast = async (file: string, size: number) => {
    const deadline = Date.now() + 10_000;
    while (statSync(file).size <= size && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    return statSync(file).size > size;
  };

  it('copies a few committed pages into the database file on a timer, with no commit doing it and no thread', async () => {
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
      for (let i = 0; i < 100; i++) insert.run('x'.repeat(1000));
    })();
    expect(await fileGrowsPast(file, before + 50_000)).toBe(true);
    expect(handle.checkpointer?.onWorker).toBe(false);
  });

  it('hands checkpoints to a worker thread once an interval writes a busy WAL, and they go on there', async () => {
    dir = mkdtempSync(join(tmpdir(), 'consentry-ckpt-'));
    const file = join(dir, 'test.db');
    handle = openDatabase(`sqlite:${file}`);
    if (handle.dialect !== 'sqlite') throw new Error('expected SQLite');
    const { sqlite, checkpointer } = handle;
    sqlite.exec('CREATE TABLE t (v TEXT)');
    const insert = sqlite.prepare('INSERT INTO t (v) VALUES (?)');
    const write = (rows: number) =>
      sqlite.transaction(() => {
        for (let i = 0; i < rows; i++) insert.run('x'.repeat(1000));
      })();
    // Past start-up's first interval (whose writes never count), ~2 MB of pages land in one interval.
    const deadline = Date.now() + 10_000;
    while (!checkpointer?.onWorker && Date.now() < deadline) {
      write(2000);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(checkpointer?.onWorker).toBe(true);
    const before = statSync(file).size;
    write(200);
    expect(await fileGrowsPast(file, before + 100_000)).toBe(true);
  });

  it('hands a busy interval of a few large rows to the worker without copying it on the event loop first', async () => {
    dir = mkdtempSync(join(tmpdir(), 'consentry-ckpt-'));
    const file = join(dir, 'test.db');
    const sqlite = new Database(file);
    sqlite.pragma('journal_mode = WAL');
    // The WAL's size at each checkpoint the committing connection runs itself.
    const walPagesCheckpointedHere: number[] = [];
    const prepare = sqlite.prepare.bind(sqlite);
    sqlite.prepare = ((source: string) => {
      const statement = prepare(source);
      if (!source.includes('wal_checkpoint')) return statement;
      const get = statement.get.bind(statement);
      statement.get = (...parameters: unknown[]) => {
        const result = get(...parameters) as { log: number };
        walPagesCheckpointedHere.push(result.log);
        return result;
      };
      return statement;
    }) as typeof sqlite.prepare;
    const checkpointer = startCheckpointer(sqlite, file, (error) => {
      throw error;
    });
    try {
      sqlite.exec('CREATE TABLE t (v BLOB)');
      // Past start-up's first interval, which the connection checkpoints itself.
      const deadline = Date.now() + 10_000;
      while (walPagesCheckpointedHere.length === 0 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(walPagesCheckpointedHere.length).toBeGreaterThan(0);
      // Four rows, about a thousand WAL pages: few rows changed, but the WAL file grows 4 MB.
      const insert = sqlite.prepare('INSERT INTO t (v) VALUES (?)');
      for (let i = 0; i < 4; i++) insert.run(Buffer.alloc(1_000_000, i));
      while (!checkpointer.onWorker && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(checkpointer.onWorker).toBe(true);
      expect(Math.max(...walPagesCheckpointedHere)).toBeLessThan(256);
    } finally {
      await checkpointer.stop();
      sqlite.close();
    }
  });

  it('close stops the worker and closes the connection, even one that never ran a query', async () => {
    dir = mkdtempSync(join(tmpdir(), 'consentry-ckpt-'));
    const opened = openDatabase(`sqlite:${join(dir, 'test.db')}`);
    await opened.close();
    if (opened.dialect === 'sqlite') expect(opened.sqlite.open).toBe(false);
  });
});
