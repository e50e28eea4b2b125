import { describe, expect, it } from 'vitest';
import { startTestServer } from '../helpers/server.ts';

describe("SQLite's page cache (SQLITE_CACHE_MIB)", () => {
  it("is 4 MiB by default, not better-sqlite3's 16 MB", async () => {
    const server = await startTestServer({ dialect: 'sqlite' });
    try {
      const { database } = server.kernel;
      if (database.dialect !== 'sqlite') throw new Error('expected SQLite');
      expect(database.sqlite.pragma('cache_size', { simple: true })).toBe(-4096); // negative: KiB
    } finally {
      await server.close();
    }
  });

  it('follows the setting', async () => {
    const server = await startTestServer({ dialect: 'sqlite', env: { SQLITE_CACHE_MIB: '32' } });
    try {
      const { database } = server.kernel;
      if (database.dialect !== 'sqlite') throw new Error('expected SQLite');
      expect(database.sqlite.pragma('cache_size', { simple: true })).toBe(-32 * 1024);
    } finally {
      await server.close();
    }
  });

  it('refuses a size out of range at start, naming the setting', async () => {
    await expect(startTestServer({ dialect: 'sqlite', env: { SQLITE_CACHE_MIB: '0' } })).rejects.toThrow(
      /SQLITE_CACHE_MIB/,
    );
  });
});
