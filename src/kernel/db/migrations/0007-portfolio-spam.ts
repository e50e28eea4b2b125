import { sql, type Kysely } from 'kysely';

/**
 * Spam tokens. Whether a token is spam depends partly on the person (an airdrop they never
 * asked for and never touched), so verdicts are kept per person, beside the facts they rest on:
 * how each connection came by each token. The facts of the history already stored are rebuilt
 * here from the transactions' legs, so the first sync after this migration judges old airdrops too.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('portfolio_token_activity')
    .addColumn('connection_id', 'text', (c) => c.notNull().references('portfolio_connections.id').onDelete('cascade'))
    .addColumn('asset_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('unsolicited', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('solicited', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('portfolio_token_activity_pk', ['connection_id', 'asset_id'])
    .execute();
  await db.schema
    .createIndex('portfolio_token_activity_user')
    .on('portfolio_token_activity')
    .column('user_id')
    .execute();

  await db.schema
    .createTable('portfolio_spam_assets')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('asset_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('portfolio_spam_assets_pk', ['user_id', 'asset_id'])
    .execute();

  await backfillActivity(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('portfolio_spam_assets').ifExists().execute();
  await db.schema.dropTable('portfolio_token_activity').ifExists().execute();
}

interface StoredRow {
  id: string;
  connection_id: string;
  user_id: string;
  legs: string;
}

/** The legs' JSON as stage-transactions writes it (asset id, and each fee's kind). */
interface Legs {
  i: Array<{ a: string }>;
  o: Array<{ a: string }>;
  f: Array<{ k: string }>;
}

/** Same rule as sync/token-activity.ts, over stored rows: a network fee means the wallet sent the transaction. */
async function backfillActivity(db: Kysely<unknown>): Promise<void> {
  const tokens = new Set(
    (
      await sql<{
        id: string;
      }>`select id from portfolio_assets where contract_address is not null and reference <> 'native'`.execute(db)
    ).rows.map((r) => r.id),
  );
  if (tokens.size === 0) return;
  const facts = new Map<string, { connection: string; user: string; asset: string; un: number; so: number }>();
  const note = (row: StoredRow, asset: string, solicited: boolean) => {
    if (!tokens.has(asset)) return;
    const key = `${row.connection_id}\u0000${asset}`;
    const entry = facts.get(key) ?? { connection: row.connection_id, user: row.user_id, asset, un: 0, so: 0 };
    if (solicited) entry.so = 1;
    else entry.un = 1;
    facts.set(key, entry);
  };
  let after = '';
  for (;;) {
    const { rows } = await sql<StoredRow>`
      select id, connection_id, user_id, legs from portfolio_transactions
      where id > ${after} order by id limit 1000`.execute(db);
    if (rows.length === 0) break;
    for (const row of rows) {
      const legs = JSON.parse(row.legs) as Legs;
      const sent = legs.f.some((f) => f.k === 'network');
      for (const leg of legs.o) note(row, leg.a, true);
      for (const leg of legs.i) note(row, leg.a, sent);
    }
    after = rows[rows.length - 1]!.id;
  }
  const values = [...facts.values()];
  for (let i = 0; i < values.length; i += 200) {
    const chunk = values.slice(i, i + 200);
    await sql`insert into portfolio_token_activity (connection_id, asset_id, user_id, unsolicited, solicited) values ${sql.join(
      chunk.map((v) => sql`(${v.connection}, ${v.asset}, ${v.user}, ${v.un}, ${v.so})`),
    )}`.execute(db);
  }
}
