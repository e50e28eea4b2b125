import type { DatabaseHandle } from '../../kernel/db/database.ts';
import { SqliteGroupCommit } from '../../kernel/db/group-commit.ts';
import { AuthorizationCodeRepository } from './authorization-code-repository.ts';
import { SqliteTokenStatements } from './sqlite-token-statements.ts';
import { TokenFamilyRepository } from './token-family-repository.ts';

/** What the code and refresh grants read and write, all inside one atomic unit. */
export interface TokenTransaction {
  families: Pick<TokenFamilyRepository, 'findRefreshToken' | 'markRotated' | 'insertFamily' | 'insertRefreshToken' | 'extendFamily' | 'revokeFamily' | 'revokeAccessToken'>;
  codes: Pick<AuthorizationCodeRepository, 'findByHash' | 'consume'>;
}

/**
 * The storage of the token endpoint's hot paths. `transact` runs `work` atomically: all of its
 * writes or none; `read` runs reads that need no transaction. Either way the work must touch
 * storage only through `tx` and must not wait on anything else (signing happens between units):
 * on SQLite it runs while the connection is held for it.
 */
export interface TokenStore {
  read<T>(work: (tx: TokenTransaction) => Promise<T>): Promise<T>;
  transact<T>(work: (tx: TokenTransaction) => Promise<T>): Promise<T>;
}

/**
 * SQLite: prepared statements run synchronously, units grouped into shared commits.
 * PostgreSQL: a Kysely transaction per unit; rows are claimed by compare-and-set UPDATEs, so
 * concurrent units on any number of nodes still produce one winner.
 */
export function createTokenStore(database: DatabaseHandle): TokenStore {
  if (database.dialect === 'sqlite') {
    const group = new SqliteGroupCommit(database.db, database.sqlite);
    const tx = new SqliteTokenStatements(database.sqlite);
    const { sqlite } = database;
    return {
      // Outside any transaction a read runs at once (it sees only committed rows); while some
      // transaction is open it waits for the next group instead of seeing that transaction's rows.
      read: (work) => (sqlite.inTransaction ? group.run(() => work(tx)) : work(tx)),
      transact: (work) => group.run(() => work(tx)),
    };
  }
  const outsideTransaction: TokenTransaction = { families: new TokenFamilyRepository(database.db), codes: new AuthorizationCodeRepository(database.db) };
  return {
    read: (work) => work(outsideTransaction),
    transact: (work) => database.db.transaction().execute((trx) => work({ families: new TokenFamilyRepository(trx), codes: new AuthorizationCodeRepository(trx) })),
  };
}
