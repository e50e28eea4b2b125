import type { DatabaseHandle } from '../../kernel/db/database.ts';
import { SqliteGroupCommit, type CommittedGroup } from '../../kernel/db/group-commit.ts';
import { inPostgresTransaction } from '../../kernel/db/postgres-transaction.ts';
import type { AuthorizationCodeStatements } from './authorization-code-repository.ts';
import { PostgresTokenStatements } from './postgres-token-statements.ts';
import { SqliteTokenStatements } from './sqlite-token-statements.ts';
import type { TokenFamilyStatements } from './token-family-repository.ts';

/**
 * What the code and refresh grants read and write, all inside one atomic unit. It speaks in
 * domain objects; each implementation builds its rows (and their JSON) itself.
 */
export interface TokenTransaction {
  families: TokenFamilyStatements;
  codes: AuthorizationCodeStatements;
}

/**
 * The storage of the token endpoint's hot paths. `transact` runs `work` atomically: all of its
 * writes or none; `read` runs reads that need no transaction. Either way the work must touch
 * storage only through `tx` and must not wait on anything else (signing happens between units):
 * on SQLite it runs while the connection is held for it (tests check this: see group-commit.ts).
 */
export interface TokenStore {
  read<T>(work: (tx: TokenTransaction) => Promise<T>): Promise<T>;
  transact<T>(work: (tx: TokenTransaction) => Promise<T>): Promise<T>;
  /**
   * `transact` for a unit of exactly one statement, such as `rotate` or `redeem`. PostgreSQL runs
   * it alone, atomic by itself, without the round trips of BEGIN and COMMIT (a second statement
   * fails the unit); SQLite runs it as `transact` does.
   */
  transactOne<T>(work: (tx: TokenTransaction) => Promise<T>): Promise<T>;
  /** SQLite only: statistics of each group commit (see `SqliteGroupCommit.onGroupCommitted`). */
  onGroupCommitted?(listener: (group: CommittedGroup) => void): () => void;
}

export interface TokenStoreOptions {
  /** Fail a SQLite group-commit unit that awaits anything but its statements (tests set this). */
  checkUnits?: boolean;
  /**
   * SQLite: the group commit to run units in, shared with the token endpoint's other writers
   * (seen jtis) so that a turn's writes share one commit; `checkUnits` is then the group's own.
   */
  group?: SqliteGroupCommit;
}

/**
 * SQLite: prepared statements run synchronously, units grouped into shared commits.
 * PostgreSQL: named prepared statements, a transaction per unit (or none, for a unit of one
 * statement); rows are claimed by compare-and-set UPDATEs, so concurrent units on any number of
 * nodes still produce one winner.
 */
export function createTokenStore(database: DatabaseHandle, options: TokenStoreOptions = {}): TokenStore {
  return database.dialect === 'sqlite' ? createSqliteTokenStore(database, options) : createPostgresTokenStore(database);
}

/** Prepared better-sqlite3 statements in group commits (the SQLite deployment's store). */
export function createSqliteTokenStore(
  database: Extract<DatabaseHandle, { dialect: 'sqlite' }>,
  options: TokenStoreOptions = {},
): TokenStore {
  const { sqlite } = database;
  const group = options.group ?? new SqliteGroupCommit(database.db, sqlite, { checkUnits: options.checkUnits });
  const tx = new SqliteTokenStatements(sqlite);
  return {
    // Outside any transaction a read runs at once (it sees only committed rows); while some
    // transaction is open it waits for the next group instead of seeing that transaction's rows.
    read: (work) => (sqlite.inTransaction ? group.run(() => work(tx)) : work(tx)),
    transact: (work) => group.run(() => work(tx)),
    transactOne: (work) => group.run(() => work(tx)),
    onGroupCommitted: (listener) => group.onGroupCommitted(listener),
  };
}

/**
 * Raw statements on pg: reads and one-statement units on the pool, other units on one connection
 * between BEGIN and COMMIT. The reads, rotations and redemptions of one turn share a statement.
 */
export function createPostgresTokenStore(database: Extract<DatabaseHandle, { dialect: 'postgres' }>): TokenStore {
  const { pool } = database;
  const outsideTransaction = PostgresTokenStatements.withBatchedLookups((query) => pool.query(query));
  // The hot one-statement units of a turn share a statement (statement-batch.ts).
  const rotations = PostgresTokenStatements.rotationBatch((query) => pool.query(query));
  const redemptions = PostgresTokenStatements.redemptionBatch((query) => pool.query(query));
  return {
    read: (work) => work(outsideTransaction),
    transact: (work) =>
      inPostgresTransaction(pool, (client) => work(new PostgresTokenStatements((query) => client.query(query)))),
    transactOne: (work) => {
      let statements = 0;
      // A second statement would commit apart from the first: that unit needs `transact`.
      const once = <T>(statement: () => Promise<T>): Promise<T> =>
        ++statements > 1 ? Promise.reject(new Error('transactOne ran a unit of more than one statement')) : statement();
      const tx = new PostgresTokenStatements((query) => once(() => pool.query(query)));
      tx.families.rotate = (rotation) => once(() => rotations.run(rotation));
      tx.codes.redeem = (redemption) => once(() => redemptions.run(redemption));
      return work(tx);
    },
  };
}
