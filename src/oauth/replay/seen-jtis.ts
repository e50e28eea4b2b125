import type { Statement } from 'better-sqlite3';
import type { DatabaseHandle } from '../../kernel/db/database.ts';
import { sha256 } from '../../kernel/crypto/tokens.ts';

const INSERT_POSTGRES = {
  name: 'consentry_seen_jtis_insert',
  text: 'INSERT INTO seen_jtis (key_hash, expires_at) VALUES ($1, $2) ON CONFLICT (key_hash) DO NOTHING',
};

/**
 * JWT ids already used, in the database so every node sees them (RFC 7523 §3 item 7, RFC 9101
 * §10.8): a client assertion or request object is accepted once. A row lives until the JWT it
 * names is refused for its `exp` anyway (callers add their clock-skew allowance) and the janitor
 * removes it.
 * Keys are hashed: a `jti` is chosen by the client and may be long.
 *
 * The insert is on every private_key_jwt request, and Kysely's compile-and-queue path cost more
 * than the write itself (bench/token-handlers.ts), so it runs outside Kysely: on SQLite one
 * prepared statement run at once, on PostgreSQL one named prepared statement on the pool. While a
 * SQLite group commit holds the connection it goes through Kysely, which waits for the
 * connection, so the row never joins another unit's transaction.
 */
export class SeenJtis {
  private readonly sqliteInsert: Statement<[string, number]> | undefined;

  constructor(private readonly database: DatabaseHandle) {
    this.sqliteInsert =
      database.dialect === 'sqlite'
        ? database.sqlite.prepare('insert or ignore into seen_jtis (key_hash, expires_at) values (?, ?)')
        : undefined;
  }

  /** Records `jti` of `issuer` for `purpose`; false when it was recorded before (a replay). */
  async firstUse(purpose: string, issuer: string, jti: string, expiresAt: number): Promise<boolean> {
    const keyHash = sha256(`${purpose}\n${issuer}\n${jti}`);
    if (this.database.dialect === 'postgres')
      return (await this.database.pool.query({ ...INSERT_POSTGRES, values: [keyHash, expiresAt] })).rowCount === 1;
    if (this.sqliteInsert && !this.database.sqlite.inTransaction)
      return this.sqliteInsert.run(keyHash, expiresAt).changes === 1;
    const result = await this.database.db
      .insertInto('seen_jtis')
      .values({ key_hash: keyHash, expires_at: expiresAt })
      .onConflict((oc) => oc.column('key_hash').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
  }
}
