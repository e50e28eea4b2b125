import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/kernel/db/database.ts';
import { unlessPurgingElsewhere } from '../../src/kernel/jobs/janitor.ts';
import { freshDatabaseUrl, testDialects } from '../helpers/database.ts';

// Janitors of several nodes on one PostgreSQL database deadlocked on the same expired rows
// (janitor.ts): one node purges at a time, and the others skip their round.
describe.each(testDialects())('one janitor at a time (%s)', (dialect) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  /** Two nodes' handles on one database. */
  async function twoNodes(): Promise<[DatabaseHandle, DatabaseHandle]> {
    const fresh = await freshDatabaseUrl(dialect);
    const first = openDatabase(fresh.url);
    const second = openDatabase(fresh.url);
    cleanups.push(
      fresh.drop,
      () => first.close(),
      () => second.close(),
    );
    return [first, second];
  }

  it('skips a round while another node purges, and purges once it is done', async () => {
    const [first, second] = await twoNodes();
    let secondPurged = 0;
    const secondPurge = async () => void secondPurged++;
    let during: boolean | undefined;
    const firstRan = await unlessPurgingElsewhere(first, async () => {
      during = await unlessPurgingElsewhere(second, secondPurge);
    });
    expect(firstRan).toBe(true);
    // SQLite has one node per file, whose writers queue anyway: nothing to skip there.
    expect(during).toBe(dialect === 'sqlite');
    expect(secondPurged).toBe(dialect === 'sqlite' ? 1 : 0);
    expect(await unlessPurgingElsewhere(second, secondPurge)).toBe(true);
    expect(secondPurged).toBe(dialect === 'sqlite' ? 2 : 1);
  });

  it('lets go of the lock when a purge fails', async () => {
    const [first, second] = await twoNodes();
    await expect(
      unlessPurgingElsewhere(first, async () => {
        throw new Error('the purge failed');
      }),
    ).rejects.toThrow('the purge failed');
    expect(await unlessPurgingElsewhere(second, async () => {})).toBe(true);
  });
});
