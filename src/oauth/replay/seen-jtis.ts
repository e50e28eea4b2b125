import type { Statement } from 'better-sqlite3';
import type { DatabaseHandle } from '../../kernel/db/database.ts';
import { sha256 } from '../../kernel/crypto/tokens.ts';
import type { SqliteGroupCommit } from '../../kernel/db/group-commit.ts';

const INSERT_POSTGRES = {
  name: 'consentry_seen_jtis_insert',
  text: 'INSERT INTO seen_jtis (key_hash, expires_at) VALUES ($1, $2) ON CONFLICT (expires_at, key_hash) DO NOTHING',
};

/**
 * JWT ids already used, in the database so every node sees them (RFC 7523 §3 item 7, RFC 9101
 * §10.8): a client assertion or request object is accepted once. A row lives until the JWT it
 * names is refused for its `exp` anyway (callers add their clock-skew allowance) and the janitor
 * removes it.
 * Keys are hashed: a `jti` is chosen by the client and may be long. Rows are keyed by expiry, then
 * hash (migration 0017): the inserts of a commit share the index's last pages. A JWT's identity is
 * thus its issuer, `jti` and `exp`; a replay carries the same signed `exp` and is caught.
 *
 * The insert is on every private_key_jwt request, and Kysely's compile-and-queue path cost more
 * than the write itself (bench/token-handlers.ts), so it runs outside Kysely. On SQLite it is a
 * unit of the token endpoint's group commit: the assertions of one turn share a commit with
 * each other and with the turn's rotations. A commit of its own per request (locks, WAL frames)
 * took a quarter of the event loop's time of a private_key_jwt request (perf, bench/); shared,
 * about a tenth. On PostgreSQL it is one named prepared statement on the pool.
 */
export class SeenJtis {
  private readonly sqlite: { insert: Statement<[string, number]>; group: Pick<SqliteGroupCommit, 'run'> } | undefined;

  /** `group`: on SQLite, the group commit to join (the token store's); unused on PostgreSQL. */
  constructor(
    private readonly database: DatabaseHandle,
    group: Pick<SqliteGroupCommit, 'run'> | undefined,
  ) {
    if (database.dialect !== 'sqlite') {
      this.sqlite = undefined;
      return;
    }
    if (!group) throw new Error('SeenJtis on SQLite joins a group commit');
    const insert = database.sqlite.prepare('insert or ignore into seen_jtis (key_hash, expires_at) values (?, ?)');
    this.sqlite = { insert, group };
  }

  /** Records `jti` of `issuer` for `purpose`; false when it was recorded before (a replay). */
  async firstUse(purpose: string, issuer: string, jti: string, expiresAt: number): Promise<boolean> {
    const keyHash = sha256(`${purpose}\n${issuer}\n${jti}`);
    // `exp` may be any JSON number, 1.5 too; the column holds whole milliseconds.
    const until = Math.ceil(expiresAt);
    if (this.database.dialect === 'postgres')
      return (await this.database.pool.query({ ...INSERT_POSTGRES, values: [keyHash, until] })).rowCount === 1;
    const { insert, group } = this.sqlite!;
    return group.run(async () => insert.run(keyHash, until).changes === 1);
  }
}
