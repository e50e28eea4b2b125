import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openDatabase, type DatabaseHandle } from '../../src/kernel/db/database.ts';
import { readFile } from 'node:fs/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { GroupCommitUnitAwaited, SqliteGroupCommit, type CommittedGroup } from '../../src/kernel/db/group-commit.ts';

describe('SQLite group commit', () => {
  let handle: DatabaseHandle;
  afterEach(() => handle.close());

  const open = (options: { checkUnits?: boolean } = {}) => {
    handle = openDatabase('sqlite::memory:');
    if (handle.dialect !== 'sqlite') throw new Error('expected SQLite');
    const { sqlite } = handle;
    sqlite.exec(
      'CREATE TABLE parent (id TEXT PRIMARY KEY); CREATE TABLE child (id TEXT PRIMARY KEY, parent_id TEXT NOT NULL REFERENCES parent(id))',
    );
    const insert = sqlite.prepare<[string]>('INSERT INTO parent (id) VALUES (?)');
    const count = () => (sqlite.prepare('SELECT count(*) AS n FROM parent').get() as { n: number }).n;
    return { sqlite, group: new SqliteGroupCommit(handle.db, sqlite, options), insert, count };
  };

  it('runs the units of one turn in one transaction, in order, each seeing the writes before it', async () => {
    const { sqlite, group, insert, count } = open();
    const seen: number[] = [];
    const inTransaction: boolean[] = [];
    const results = await Promise.all(
      ['a', 'b', 'c'].map((id) =>
        group.run(async () => {
          inTransaction.push(sqlite.inTransaction);
          insert.run(id);
          seen.push(count());
          return id;
        }),
      ),
    );
    expect(results).toEqual(['a', 'b', 'c']);
    expect(seen).toEqual([1, 2, 3]);
    expect(inTransaction).toEqual([true, true, true]);
    expect(sqlite.inTransaction).toBe(false);
    expect(count()).toBe(3);
  });

  it('undoes a unit that throws after writing, and commits the others', async () => {
    const { group, insert, count } = open();
    const outcomes = await Promise.allSettled([
      group.run(async () => insert.run('kept-1')),
      group.run(async () => {
        insert.run('undone');
        throw new Error('unit failed');
      }),
      group.run(async () => insert.run('kept-2')),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toEqual(new Error('unit failed'));
    expect(count()).toBe(2);
  });

  it('rejects every unit and keeps nothing when the commit itself fails', async () => {
    const { sqlite, group, insert, count } = open();
    // A deferred foreign key is checked at COMMIT: the one way to make a commit fail on demand.
    const outcomes = await Promise.allSettled([
      group.run(async () => insert.run('p1')),
      group.run(async () => {
        sqlite.pragma('defer_foreign_keys = ON');
        sqlite.prepare("INSERT INTO child (id, parent_id) VALUES ('c1', 'missing')").run();
      }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(String((outcomes[0] as PromiseRejectedResult).reason)).toMatch(/FOREIGN KEY/);
    expect(sqlite.inTransaction).toBe(false);
    expect(count()).toBe(0);
  });

  it('keeps Kysely queries and transactions off the connection while a group runs', async () => {
    const { group, insert, count } = open();
    // A Kysely transaction that spans turns: the group must wait for it, not join it.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const kyselyTransaction = handle.db.transaction().execute(async (trx) => {
      await sql`INSERT INTO parent (id) VALUES ('from-kysely')`.execute(trx);
      await held;
    });
    await new Promise((resolve) => setImmediate(resolve));
    const unit = group.run(async () => {
      insert.run('from-group');
      return count();
    });
    release();
    await kyselyTransaction;
    expect(await unit).toBe(2);
    const rows = await sql<{ id: string }>`SELECT id FROM parent ORDER BY rowid`.execute(handle.db);
    expect(rows.rows.map((r) => r.id)).toEqual(['from-kysely', 'from-group']);
  });

  describe('issue 10, item 3: a unit that awaits anything but its transaction fails loudly in tests', () => {
    const awaitsBesides = {
      'a timer': () => nextTurn(),
      'file I/O': () => readFile(new URL(import.meta.url)),
      'a Kysely query (which would wait for the connection the group holds)': () => sql`SELECT 1`.execute(handle.db),
    };
    for (const [what, wait] of Object.entries(awaitsBesides)) {
      it(`refuses a unit that awaits ${what}, undoes its writes and commits the others`, async () => {
        const { group, insert, count } = open({ checkUnits: true });
        const outcomes = await Promise.allSettled([
          group.run(async () => insert.run('kept-1')),
          group.run(async () => {
            insert.run('undone');
            await wait();
          }),
          group.run(async () => insert.run('kept-2')),
        ]);
        expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
        const reason = (outcomes[1] as PromiseRejectedResult).reason as Error;
        expect(reason).toBeInstanceOf(GroupCommitUnitAwaited);
        expect(reason.message).toMatch(/a group-commit unit awaited something besides its transaction/);
        expect(count()).toBe(2);
      });
    }

    it('lets a unit await its own statements, however many, and return their result', async () => {
      const { group, insert, count } = open({ checkUnits: true });
      const step = async (id: string) => insert.run(id);
      const nested = async (prefix: string) => {
        for (let i = 0; i < 50; i++) await step(`${prefix}-${i}`);
        return Promise.resolve(count());
      };
      const results = await Promise.all([group.run(() => nested('a')), group.run(() => nested('b'))]);
      expect(results).toEqual([50, 100]);
    });

    it('does not check (nor spin) when not asked to: production units run as they are', async () => {
      const { group, insert, count } = open();
      await group.run(async () => {
        insert.run('slow');
        await nextTurn();
      });
      expect(count()).toBe(1);
    });
  });

  it('issue 10, item 3: reports each group to its public listeners, and stops when unsubscribed', async () => {
    const { group, insert } = open();
    const seen: CommittedGroup[] = [];
    const stop = group.onGroupCommitted((g) => seen.push(g));
    await Promise.all(['a', 'b', 'c'].map((id) => group.run(async () => insert.run(id))));
    await group.run(async () => insert.run('d'));
    stop();
    await group.run(async () => insert.run('e'));
    expect(seen.map((g) => g.units)).toEqual([3, 1]);
    expect(seen.every((g) => g.durationNs > 0)).toBe(true);
  });
});
