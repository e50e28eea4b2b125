import { CompiledQuery, sql } from 'kysely';
import type { Db } from '../../kernel/db/database.ts';
import type { PortfolioTransactionsTable } from '../../kernel/db/schema.ts';

export type TransactionRow = PortfolioTransactionsTable;

export interface TransactionFilter {
  startTime?: number;
  endTime?: number;
  symbols?: string[];
  providerIds?: string[];
  /** Spam transactions are left out unless this is true. */
  includeSpam?: boolean;
  /** Only these connections (an app's share of the person's accounts); none: nothing. */
  connectionIds?: string[];
}

export interface Keyset {
  timestamp: number;
  id: string;
}

const UPDATABLE = [
  'timestamp',
  'status',
  'type',
  'category',
  'categorization_source',
  'is_internal_transfer',
  'is_spam',
  'tx_hash',
  'chain',
  'description',
  'legs',
  'symbols',
  'needs_pricing',
  'updated_at',
] as const;

const COLUMNS = ['id', 'user_id', 'connection_id', 'provider_id', 'external_id', ...UPDATABLE] as const;
// A column added to the table and not to COLUMNS would be left out of every upsert: a type error instead.
const EVERY_COLUMN: [Exclude<keyof TransactionRow, (typeof COLUMNS)[number]>] extends [never] ? true : never = true;
void EVERY_COLUMN;

/** Rows per upsert statement: at 19 parameters a row, within SQLite's (32,766) and PostgreSQL's (65,535) limits. */
const UPSERT_CHUNK = 512;
/** Rows per re-pricing update (3 parameters each). */
const LEGS_CHUNK = 128;

interface CompiledUpsert {
  sql: string;
  /** Where each parameter comes from, in order. */
  slots: Array<{ row: number; column: keyof TransactionRow }>;
  /** The parameters are each row's COLUMNS in turn: `putRow` fills them without a lookup per value. */
  rowByRow: boolean;
}

/** A row's values in COLUMNS order, from `at` on. */
function putRow(parameters: unknown[], at: number, row: TransactionRow): void {
  parameters[at] = row.id;
  parameters[at + 1] = row.user_id;
  parameters[at + 2] = row.connection_id;
  parameters[at + 3] = row.provider_id;
  parameters[at + 4] = row.external_id;
  parameters[at + 5] = row.timestamp;
  parameters[at + 6] = row.status;
  parameters[at + 7] = row.type;
  parameters[at + 8] = row.category;
  parameters[at + 9] = row.categorization_source;
  parameters[at + 10] = row.is_internal_transfer;
  parameters[at + 11] = row.is_spam;
  parameters[at + 12] = row.tx_hash;
  parameters[at + 13] = row.chain;
  parameters[at + 14] = row.description;
  parameters[at + 15] = row.legs;
  parameters[at + 16] = row.symbols;
  parameters[at + 17] = row.needs_pricing;
  parameters[at + 18] = row.updated_at;
}

/**
 * [start, size] of consecutive chunks covering `length` items, each a power of two no larger than
 * `max`: a statement's SQL can then be built once per size.
 */
function* powerOfTwoChunks(length: number, max: number): Generator<[number, number]> {
  for (let at = 0; at < length;) {
    let size = max;
    while (size > length - at) size >>= 1;
    yield [at, size];
    at += size;
  }
}

/** Normalized transactions: idempotent upserts keyed by (connection, external id), keyset reads. */
export class TransactionRepository {
  /** The upsert of each chunk size, compiled once. */
  private readonly upserts = new Map<number, CompiledUpsert>();
  /** The legs update of each chunk size, compiled once. */
  private readonly legsUpdates = new Map<number, string>();

  constructor(private readonly db: Db) {}

  /**
   * Inserts or updates rows, in chunks of a power-of-two size: each size's SQL is built once (by
   * Kysely, for this dialect) and only its parameters change, so a 10,000-row history is not ten
   * thousand rows of query building, and SQLite's statement cache sees at most a dozen texts.
   */
  async upsertMany(rows: TransactionRow[], db: Db = this.db): Promise<void> {
    for (const [at, size] of powerOfTwoChunks(rows.length, UPSERT_CHUNK)) {
      const upsert = this.upsertOf(size);
      const parameters = new Array<unknown>(upsert.slots.length);
      if (upsert.rowByRow)
        for (let row = 0; row < size; row++) putRow(parameters, row * COLUMNS.length, rows[at + row]!);
      else
        for (let i = 0; i < upsert.slots.length; i++) {
          const slot = upsert.slots[i]!;
          parameters[i] = rows[at + slot.row]![slot.column];
        }
      await db.executeQuery(CompiledQuery.raw(upsert.sql, parameters));
    }
  }

  private upsertOf(size: number): CompiledUpsert {
    let upsert = this.upserts.get(size);
    if (upsert) return upsert;
    // Each value a marker naming its row and column, to learn where Kysely put every parameter.
    const markers = new Map<string, { row: number; column: keyof TransactionRow }>();
    const rows = Array.from({ length: size }, (_, row) =>
      Object.fromEntries(
        COLUMNS.map((column) => {
          const marker = `${row}:${column}`;
          markers.set(marker, { row, column });
          return [column, marker];
        }),
      ),
    ) as unknown as TransactionRow[];
    const compiled = this.db
      .insertInto('portfolio_transactions')
      .values(rows)
      .onConflict((oc) =>
        oc
          .columns(['connection_id', 'external_id'])
          .doUpdateSet((eb) => Object.fromEntries(UPDATABLE.map((c) => [c, eb.ref(`excluded.${c}`)])) as never),
      )
      .compile();
    const slots = compiled.parameters.map((marker) => {
      const slot = markers.get(marker as string);
      if (!slot)
        throw new Error(`the transactions upsert has a parameter that is not a row's value: ${String(marker)}`);
      return slot;
    });
    const rowByRow = slots.every(
      (slot, i) => slot.row === Math.floor(i / COLUMNS.length) && slot.column === COLUMNS[i % COLUMNS.length],
    );
    upsert = { sql: compiled.sql, slots, rowByRow };
    this.upserts.set(size, upsert);
    return upsert;
  }

  /** Newest first; `after` continues below the last row of the previous page. */
  async page(
    userId: string,
    filter: TransactionFilter,
    after: Keyset | undefined,
    limit: number,
  ): Promise<TransactionRow[]> {
    // An app the person shared nothing with reads nothing (and `in ()` is not SQL).
    if (filter.connectionIds?.length === 0) return [];
    let query = this.db.selectFrom('portfolio_transactions').selectAll().where('user_id', '=', userId);
    if (filter.connectionIds) query = query.where('connection_id', 'in', filter.connectionIds);
    if (filter.startTime !== undefined) query = query.where('timestamp', '>=', filter.startTime);
    if (filter.endTime !== undefined) query = query.where('timestamp', '<=', filter.endTime);
    if (filter.providerIds?.length) query = query.where('provider_id', 'in', filter.providerIds);
    if (!filter.includeSpam) query = query.where('is_spam', '=', 0);
    if (filter.symbols?.length) {
      const symbols = filter.symbols;
      query = query.where((eb) => eb.or(symbols.map((s) => eb('symbols', 'like', `%|${s.replace(/[%_]/g, '')}|%`))));
    }
    if (after) {
      // A row-value comparison, so both SQLite and PostgreSQL seek the (user_id, timestamp, id) index.
      query = query.where((eb) => eb(eb.refTuple('timestamp', 'id'), '<', eb.tuple(after.timestamp, after.id)));
    }
    return query.orderBy('timestamp', 'desc').orderBy('id', 'desc').limit(limit).execute();
  }

  /** The person's transactions sharing on-chain hashes, for internal-transfer matching. */
  async findByHashes(
    userId: string,
    chain: string,
    hashes: string[],
  ): Promise<Array<Pick<TransactionRow, 'id' | 'connection_id' | 'tx_hash' | 'legs' | 'is_internal_transfer'>>> {
    if (hashes.length === 0) return [];
    return this.db
      .selectFrom('portfolio_transactions')
      .select(['id', 'connection_id', 'tx_hash', 'legs', 'is_internal_transfer'])
      .where('user_id', '=', userId)
      .where('chain', '=', chain)
      .where('tx_hash', 'in', hashes)
      .execute();
  }

  /** How many transactions each connection has stored so far (its sync's "items read"); absent ones have none. */
  async countByConnection(connectionIds: string[]): Promise<Map<string, number>> {
    if (connectionIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('portfolio_transactions')
      .select((eb) => ['connection_id', eb.fn.countAll<string | number>().as('n')])
      .where('connection_id', 'in', connectionIds)
      .groupBy('connection_id')
      .execute();
    return new Map(rows.map((r) => [r.connection_id, Number(r.n)]));
  }

  async hashesOf(connectionId: string): Promise<Array<{ chain: string; tx_hash: string }>> {
    const rows = await this.db
      .selectFrom('portfolio_transactions')
      .select(['chain', 'tx_hash'])
      .where('connection_id', '=', connectionId)
      .where('tx_hash', 'is not', null)
      .execute();
    return rows.filter((r): r is { chain: string; tx_hash: string } => r.chain !== null && r.tx_hash !== null);
  }

  async setInternal(ids: string[], internal: boolean): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .updateTable('portfolio_transactions')
      .set({
        is_internal_transfer: internal ? 1 : 0,
        category: sql<string>`case when ${internal ? 1 : 0} = 1 then 'transfer' else category end`,
      })
      .where('id', 'in', ids)
      .execute();
  }

  async unpriced(
    connectionId: string,
    limit: number,
  ): Promise<Array<Pick<TransactionRow, 'id' | 'timestamp' | 'legs'>>> {
    return this.db
      .selectFrom('portfolio_transactions')
      .select(['id', 'timestamp', 'legs'])
      .where('connection_id', '=', connectionId)
      .where('needs_pricing', '=', 1)
      .limit(limit)
      .execute();
  }

  /**
   * Writes re-priced legs (and whether a price is still awaited), all in one transaction: one
   * UPDATE … FROM (VALUES …) per chunk of a power-of-two size, its SQL built once, as upsertMany's.
   */
  async updateLegs(updates: Array<{ id: string; legs: string; needsPricing: boolean }>): Promise<void> {
    if (updates.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      for (const [at, size] of powerOfTwoChunks(updates.length, LEGS_CHUNK)) {
        const parameters = updates.slice(at, at + size).flatMap((u) => [u.id, u.legs, u.needsPricing ? 1 : 0]);
        await trx.executeQuery(CompiledQuery.raw(this.legsUpdateOf(size), parameters));
      }
    });
  }

  private legsUpdateOf(size: number): string {
    let text = this.legsUpdates.get(size);
    if (text) return text;
    // VALUES names its columns column1, column2… in SQLite and PostgreSQL alike.
    const rows = Array.from({ length: size }, () => sql`(${''}, ${''}, cast(${0} as integer))`);
    text = sql`update portfolio_transactions set legs = v.column2, needs_pricing = v.column3
      from (values ${sql.join(rows)}) as v where portfolio_transactions.id = v.column1`.compile(this.db).sql;
    this.legsUpdates.set(size, text);
    return text;
  }

  /**
   * Marks every transaction (anyone's) with a leg of these assets for pricing again: they just
   * gained a price key. Matched in the legs' JSON text; a row marked without need is only looked
   * at once more.
   */
  async markForPricing(assetIds: string[]): Promise<void> {
    for (let i = 0; i < assetIds.length; i += 50) {
      const patterns = assetIds.slice(i, i + 50).map((id) => `%${likeEscape(`"a":${JSON.stringify(id)}`)}%`);
      await this.db
        .updateTable('portfolio_transactions')
        .set({ needs_pricing: 1 })
        .where('needs_pricing', '=', 0)
        .where((eb) => eb.or(patterns.map((p) => sql<boolean>`legs like ${p} escape '\\'`)))
        .execute();
    }
  }

  /** The person's transactions, oldest first, a keyset page at a time: their legs and spam marks. */
  async legsPage(
    userId: string,
    after: Keyset | undefined,
    limit: number,
  ): Promise<Array<Pick<TransactionRow, 'id' | 'timestamp' | 'legs' | 'is_spam'>>> {
    let query = this.db
      .selectFrom('portfolio_transactions')
      .select(['id', 'timestamp', 'legs', 'is_spam'])
      .where('user_id', '=', userId);
    if (after)
      query = query.where((eb) => eb(eb.refTuple('timestamp', 'id'), '>', eb.tuple(after.timestamp, after.id)));
    return query.orderBy('timestamp').orderBy('id').limit(limit).execute();
  }

  /** A connection's transactions written since `since`, a page at a time (by external id): their legs and spam marks. */
  async legsWrittenSince(
    connectionId: string,
    since: number,
    afterExternalId: string,
    limit: number,
  ): Promise<Array<Pick<TransactionRow, 'id' | 'external_id' | 'legs' | 'is_spam'>>> {
    return this.db
      .selectFrom('portfolio_transactions')
      .select(['id', 'external_id', 'legs', 'is_spam'])
      .where('connection_id', '=', connectionId)
      .where('external_id', '>', afterExternalId)
      .where('updated_at', '>=', since)
      .orderBy('external_id')
      .limit(limit)
      .execute();
  }

  async setSpam(ids: string[], spam: boolean): Promise<void> {
    for (let i = 0; i < ids.length; i += 500)
      await this.db
        .updateTable('portfolio_transactions')
        .set({ is_spam: spam ? 1 : 0 })
        .where('id', 'in', ids.slice(i, i + 500))
        .execute();
  }

  /** Net quantity per asset over a connection's transactions (for sources without balances, e.g. CSV). */
  async listLegs(connectionId: string): Promise<Array<Pick<TransactionRow, 'legs' | 'status'>>> {
    return this.db
      .selectFrom('portfolio_transactions')
      .select(['legs', 'status'])
      .where('connection_id', '=', connectionId)
      .execute();
  }
}

/** Text matched literally by LIKE … ESCAPE '\': the wildcards and the escape character escaped. */
function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
