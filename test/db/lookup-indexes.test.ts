import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../helpers/database.ts';
import { BookingRepository } from '../../src/scheduling/bookings/booking-repository.ts';
import { planReader, type PlanReader } from '../helpers/query-plans.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

/** Child tables of clients whose rows live minutes (the janitor deletes them as they expire). */
const shortLived = ['authorization_codes', 'interactions', 'pushed_authorization_requests', 'device_authorizations'];

/**
 * Statements that once read a whole table to find a few rows (migration 0019), found by tracing
 * every statement the suite runs and asking the planner about each. They are written here as the
 * code builds them; see helpers/query-plans.ts for how plans are read.
 */
describe.each(testDialects())('lookups served by indexes (%s)', (dialect) => {
  let server: TestServer;
  let plans: PlanReader;
  beforeAll(async () => {
    server = await startTestServer({ dialect });
    plans = planReader(server.kernel.database, server.config.DATABASE_URL);
  });
  afterAll(async () => {
    await plans.close();
    await server.close();
  });
  const readWhole = ({ sql, parameters }: { sql: string; parameters: readonly unknown[] }) =>
    plans.tablesReadWhole(sql, parameters);

  // A foreign key's action finds the child rows by the child's column. SQLite shows that search in
  // the parent statement's plan; PostgreSQL runs it as a statement of its own (not in EXPLAIN), so
  // the child-side statement is asked about as well.
  it('deleting a client finds its token families by index (codes, interactions and requests live minutes)', async () => {
    const db = server.kernel.database.db;
    const parent = await readWhole(db.deleteFrom('clients').where('id', '=', 'c').compile());
    expect(parent.filter((table) => !shortLived.includes(table))).toEqual([]);
    expect(await readWhole(db.deleteFrom('token_families').where('client_id', '=', 'c').compile())).toEqual([]);
  });

  it("a developer's apps are found by owner, when listed and when the account is deleted", async () => {
    const db = server.kernel.database.db;
    const listed = db
      .selectFrom('clients')
      .selectAll()
      .where('owner_user_id', '=', 'u')
      .orderBy('created_at')
      .compile();
    expect(await readWhole(listed)).toEqual([]);
    const deleted = await readWhole(db.deleteFrom('clients').where('owner_user_id', '=', 'u').compile());
    expect(deleted.filter((table) => !shortLived.includes(table))).toEqual([]);
  });

  it("an exchange's OAuth callback finds its pending link, and the provider status its hour of syncs", async () => {
    const db = server.kernel.database.db;
    const pending = db
      .selectFrom('portfolio_connections')
      .innerJoin('portfolio_credentials', 'portfolio_credentials.connection_id', 'portfolio_connections.id')
      .select(['id', 'user_id', 'provider_id', 'created_at', 'portfolio_credentials.sealed'])
      .where('oauth_state_hash', '=', 'h')
      .where('status', '=', 'pending')
      .compile();
    const health = db
      .selectFrom('portfolio_connections')
      .select(['provider_id', 'status', 'last_error'])
      .where('updated_at', '>=', 0)
      .where('status', 'in', ['connected', 'error'])
      .compile();
    expect(await readWhole(pending)).toEqual([]);
    expect(await readWhole(health)).toEqual([]);
  });

  it('saving or deleting a schedule checks the event types that use it by index', async () => {
    const db = server.kernel.database.db;
    // Saving sets every column, the key included: the foreign key of event types is checked.
    const save = db
      .updateTable('scheduling_schedules')
      .set({ id: 's', name: 'n', updated_at: 0 })
      .where('user_id', '=', 'u')
      .where('id', '=', 's')
      .compile();
    const remove = db.deleteFrom('scheduling_schedules').where('user_id', '=', 'u').where('id', '=', 's').compile();
    const users = db.selectFrom('scheduling_event_types').select('id').where('schedule_id', '=', 's').compile();
    expect(await readWhole(save)).toEqual([]);
    expect(await readWhole(remove)).toEqual([]);
    expect(await readWhole(users)).toEqual([]);
  });

  // A booking's overlap check and a public page's per-invitee daily cap run under the host's lock.
  // Both once read every booking the host ever had (found asking why the soak's bookings, thousands
  // for one host, had the longest tail): the overlap check, every booking before the slot, to test
  // each one's end. SQLite plans from the schema alone, so its plan shows what the statement
  // allows; PostgreSQL's follows its statistics (on an empty table any index will do): with 15,000
  // bookings of one host it read 336 index entries for the bounded statement, the whole table
  // without the bound.
  it.runIf(dialect === 'sqlite')(
    "a host's bookings near a slot are read through the index from both ends, not from the host's first booking on",
    async () => {
      const query = new BookingRepository(server.kernel.database.db).busyQuery('u', 1_000_000_000, 1_000_900_000);
      const { sql, parameters } = query.compile();
      expect(await plans.planText(sql, parameters)).toMatch(
        /SEARCH scheduling_bookings USING INDEX scheduling_bookings_host_busy \(user_id=\? AND status=\? AND busy_from>\? AND busy_from<\?\)/,
      );
    },
  );

  it.runIf(dialect === 'sqlite')(
    "an invitee's bookings of the last day, for the daily cap, are read by when they were made",
    async () => {
      const db = server.kernel.database.db;
      // As BookingRepository.countNewByInvitee builds it.
      const count = db
        .selectFrom('scheduling_bookings')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('user_id', '=', 'u')
        .where((eb) => eb(eb.fn('lower', ['invitee_email']), '=', 'ivy@example.com'))
        .where('rescheduled_from_id', 'is', null)
        .where('created_at', '>=', 1_000_000_000)
        .compile();
      expect(await plans.planText(count.sql, count.parameters)).toMatch(
        /SEARCH scheduling_bookings USING INDEX scheduling_bookings_host_created \(user_id=\? AND created_at>\?\)/,
      );
    },
  );
});
