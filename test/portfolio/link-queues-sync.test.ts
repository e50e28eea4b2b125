import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestClient } from '../helpers/clients.ts';
import { testDialects } from '../helpers/database.ts';
import { startServerWithMail } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';
import { personWithToken, type PlatformClient } from './support/platform-client.ts';

const CLOSED_PORT_URL = 'http://127.0.0.1:9';
const ADDRESS = 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq';

/**
 * A linked wallet is stored together with the job of its first sync: when that job cannot be
 * written, nothing is, so no connection is left "syncing" with nothing to sync it. The job
 * insert is refused by a trigger in the real database, as a crash or a lost connection would.
 */
describe.each(testDialects())('linking stores the connection and its first sync together (%s)', (dialect) => {
  let server: TestServer;
  let close: () => Promise<void>;
  let api: PlatformClient;

  beforeAll(async () => {
    let smtp;
    ({ server, smtp, close } = await startServerWithMail({
      dialect,
      env: { COINGECKO_API_URL: CLOSED_PORT_URL, ESPLORA_URL: CLOSED_PORT_URL },
    }));
    const client = await createTestClient(server, {
      type: 'public',
      redirectUris: ['http://127.0.0.1/cb'],
      allowedScopes: ['read:providers', 'write:providers', 'read:assets', 'read:transactions'],
    });
    ({ api } = await personWithToken(server, smtp, client, `link-sync-${dialect}@example.com`));
  });
  afterAll(() => close());

  const link = () =>
    api.post('/platform/v2/providers', {
      provider_id: 'bitcoin',
      display_label: 'Cold storage',
      connection: { type: 'wallet', address: ADDRESS },
    });

  it('keeps no connection when its sync job cannot be written, and links once it can', async () => {
    const db = server.kernel.database.db;
    if (dialect === 'sqlite') {
      await sql`create trigger refuse_sync before insert on jobs when new.name = 'portfolio.sync'
        begin select raise(abort, 'sync jobs refused for the test'); end`.execute(db);
    } else {
      await sql`create function refuse_sync() returns trigger language plpgsql as
        $$ begin raise exception 'sync jobs refused for the test'; end $$`.execute(db);
      await sql`create trigger refuse_sync before insert on jobs for each row
        when (new.name = 'portfolio.sync') execute function refuse_sync()`.execute(db);
    }
    expect((await link()).status).toBe(500);
    expect((await api.get('/platform/v2/providers')).body.data.providers).toEqual([]);

    await sql`drop trigger refuse_sync${sql.raw(dialect === 'sqlite' ? '' : ' on jobs')}`.execute(db);
    const linked = await link();
    expect(linked.status).toBe(201);
    const queued = await db
      .selectFrom('jobs')
      .select(['name', 'payload'])
      .where('name', '=', 'portfolio.sync')
      .execute();
    expect(queued.map((job) => JSON.parse(job.payload) as unknown)).toEqual([
      { connectionId: linked.body.data.connection_id },
    ]);
  });
});
