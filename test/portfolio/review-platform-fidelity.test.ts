import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, createTestClient, postForm, type TestClient } from '../helpers/clients.ts';
import { testDialects } from '../helpers/database.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';
import { UNIVERSAL_CSV } from './support/csv-fixtures.ts';
import { ALL_SCOPES, personWithToken, PlatformClient, type Json } from './support/platform-client.ts';

const CLOSED_PORT_URL = 'http://127.0.0.1:9';
const PORTFOLIO_SCOPES = ALL_SCOPES.split(' ');

/** A universal CSV of `rows` BTC deposits, one a day from 2024-01-01, plus one of `tag` (so each file is distinct). */
function depositsCsv(rows: number, tag: string): string {
  const lines = [
    'Date,Received Quantity,Received Currency,Sent Quantity,Sent Currency,Fee Amount,Fee Currency,Tag',
    `2023-01-01T00:00:00Z,1,${tag},,,,,deposit`,
  ];
  for (let i = 0; i < rows; i++)
    lines.push(`${new Date(Date.UTC(2024, 0, 1 + i)).toISOString()},0.0${i + 1},BTC,,,,,deposit`);
  return lines.join('\n');
}

describe.each(testDialects())('Platform API review findings (%s)', (dialect) => {
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let client: TestClient;
  let api: PlatformClient;

  beforeAll(async () => {
    ({ server, smtp, close } = await startServerWithMail({
      dialect,
      env: { COINGECKO_API_URL: CLOSED_PORT_URL, ESPLORA_URL: CLOSED_PORT_URL },
    }));
    client = await createTestClient(server, {
      name: 'Review App',
      type: 'public',
      redirectUris: ['http://127.0.0.1/cb'],
      allowedScopes: PORTFOLIO_SCOPES,
    });
    ({ api } = await personWithToken(server, smtp, client, `review-${dialect}@example.com`));
  });
  afterAll(() => close());

  describe('review #9: client-credentials tokens reach person APIs', () => {
    it('answers 403 "this token does not act for a person" on every person endpoint, and links nothing', async () => {
      const machine = await createTestClient(server, { name: 'Machine', allowedScopes: PORTFOLIO_SCOPES });
      const issued = await postForm(
        server,
        '/oauth/token',
        { grant_type: 'client_credentials', scope: ALL_SCOPES },
        { authorization: basicAuth(machine.id, machine.secret!) },
      );
      expect(issued.status).toBe(200);
      const robot = new PlatformClient(server, issued.json.access_token as string);
      for (const answer of [
        await robot.get('/platform/v2/providers'),
        await robot.get('/platform/v1/assets'),
        await robot.get('/platform/v2/transactions'),
        await robot.post('/platform/v2/providers', {
          provider_id: 'csv',
          connection: { type: 'csv', content: UNIVERSAL_CSV },
        }),
        await robot.post('/platform/v1/assets/refresh'),
      ]) {
        expect(answer.status).toBe(403);
        expect(answer.body).toEqual({
          data: null,
          errors: [{ cause: 'forbidden', code: 602, message: 'this token does not act for a person' }],
        });
      }
      // The catalogue is about no one: any valid token may read it.
      expect((await robot.get('/platform/v2/providers/catalog')).status).toBe(200);
    });
  });

  describe('review #18: adding several providers is all-or-none', () => {
    it('links the good ones: 200 with a result per provider and errors naming the failed ones; 201 only when all were linked', async () => {
      const mixed = await api.post('/platform/v2/providers', [
        {
          provider_id: 'csv',
          display_label: 'Good file',
          connection: { type: 'csv', content: depositsCsv(2, 'GOODA') },
        },
        { provider_id: 'bitcoin', connection: { type: 'wallet', address: 'not-an-address' } },
        { provider_id: 'mtgox', connection: { type: 'api_key', api_key: 'k', secret_key: 's' } },
      ]);
      expect(mixed.status).toBe(200);
      const data = mixed.body.data as Json[];
      expect(data).toHaveLength(3);
      expect(data[0]).toMatchObject({ added: true, provider_id: 'csv', connection_id: expect.any(String) });
      expect(data[1]).toEqual({ added: false, provider_id: 'bitcoin' });
      expect(data[2]).toEqual({ added: false, provider_id: 'mtgox' });
      expect(mixed.body.errors).toEqual([
        expect.objectContaining({ provider_id: 'bitcoin', cause: 'bad_request' }),
        expect.objectContaining({ provider_id: 'mtgox', cause: 'not_found' }),
      ]);
      const providers = (await api.get('/platform/v2/providers')).body.data.providers as Json[];
      expect(providers.map((p) => p.connection_id)).toContain(data[0].connection_id);

      const all = await api.post('/platform/v2/providers', [
        { provider_id: 'csv', connection: { type: 'csv', content: depositsCsv(2, 'GOODB') } },
        { provider_id: 'csv', connection: { type: 'csv', content: depositsCsv(2, 'GOODC') } },
      ]);
      expect(all.status).toBe(201);
      expect(all.body.errors).toEqual([]);
      expect((all.body.data as Json[]).every((r) => r.added === true)).toBe(true);
      await server.kernel.jobs.drain();
    });
  });

  describe('review #19: start_time in seconds', () => {
    it('refuses times that can only be seconds, naming the unit', async () => {
      for (const path of ['/platform/v1/transactions', '/platform/v2/assets']) {
        for (const query of [
          'start_time=1704067200',
          'end_time=1704067200',
          'start_time=1704067200&end_time=1735689600',
        ]) {
          const answer = await api.get(`${path}?${query}`);
          expect(answer.status, `${path}?${query}`).toBe(400);
          expect(answer.body.errors[0]).toMatchObject({
            cause: 'bad_request',
            message: expect.stringMatching(/Unix epoch milliseconds; 17\d+ looks like seconds/),
          });
        }
      }
      const inMs = await api.get('/platform/v2/transactions?start_time=1704067200000');
      expect(inMs.status).toBe(200);
    });

    it('pages v1 with the documented cursor, and a next page keeps the limit asked for', async () => {
      const linked = await api.post('/platform/v2/providers', {
        provider_id: 'csv',
        connection: { type: 'csv', content: depositsCsv(7, 'PAGED') },
      });
      expect(linked.status).toBe(201);
      await server.kernel.jobs.drain();
      const everything = (await api.get('/platform/v2/transactions?limit=100')).body.data.transactions.map(
        (t: Json) => t.id,
      );
      for (const version of ['v1', 'v2']) {
        const seen: string[] = [];
        let answer = await api.get(`/platform/${version}/transactions?limit=3`);
        for (;;) {
          expect(answer.status).toBe(200);
          expect(answer.body.data.page.limit).toBe(3);
          seen.push(...answer.body.data.transactions.map((t: Json) => t.id));
          if (!answer.body.data.page.has_more) break;
          // The next page sends only the cursor: it keeps limit=3, not the default 30.
          answer = await api.get(
            `/platform/${version}/transactions?cursor=${encodeURIComponent(answer.body.data.page.next_cursor)}`,
          );
          expect(answer.body.data.transactions.length).toBeLessThanOrEqual(3);
        }
        expect(seen).toEqual(everything);
      }
      const first = await api.get('/platform/v2/assets?limit=1');
      const second = await api.get(
        `/platform/v2/assets?cursor=${encodeURIComponent(first.body.data.page.next_cursor)}`,
      );
      expect(second.body.data.page.limit).toBe(1);
      expect(second.body.data.assets).toHaveLength(1);
    });
  });

  describe('review #20: Calico end-user codes 601/602/603', () => {
    it('carries 603 for a failed authentication, 602 for a refusal and 601 for a person who no longer exists', async () => {
      const noToken = await fetch(`${server.url}/platform/v2/providers`);
      expect(noToken.status).toBe(401);
      expect(((await noToken.json()) as Json).errors[0]).toMatchObject({ cause: 'unauthorized', code: 603 });

      const { api: narrow } = await personWithToken(
        server,
        smtp,
        client,
        `narrow-codes-${dialect}@example.com`,
        'read:providers',
      );
      const refused = await narrow.get('/platform/v2/assets');
      expect(refused.status).toBe(403);
      expect(refused.body.errors[0]).toMatchObject({ cause: 'forbidden', code: 602 });

      // A provider whose credentials stopped working: provider_auth_failed is 603, in the 206 items and on the connection.
      const linked = await api.post('/platform/v2/providers', {
        provider_id: 'csv',
        connection: { type: 'csv', content: depositsCsv(1, 'REAUTH') },
      });
      await server.kernel.jobs.drain();
      const id = linked.body.data.connection_id as string;
      const { portfolioOf } = await import('../../src/portfolio/portfolio.ts');
      const portfolio = portfolioOf(server.kernel, server.app.log);
      await portfolio.connectionRepo.setStatus(
        id,
        'needs_reauth',
        { provider_id: 'csv', cause: 'provider_auth_failed', message: 'the key was revoked' },
        server.clock.now(),
      );
      const partial = await api.get('/platform/v2/assets');
      expect(partial.status).toBe(206);
      expect(partial.body.errors).toEqual([
        expect.objectContaining({ provider_id: 'csv', cause: 'provider_auth_failed', code: 603 }),
      ]);
      const connection = (await api.get('/platform/v2/providers')).body.data.providers.find(
        (p: Json) => p.connection_id === id,
      );
      expect(connection.error).toMatchObject({ cause: 'provider_auth_failed', code: 603 });
      await api.delete('/platform/v2/providers', { connection_ids: [id] });

      // A correctly signed token for a person this server does not know (e.g. one who was deleted).
      const { issueTokens } = await import('../../src/oauth/tokens/token-issuer.ts');
      const app = (await server.oauth.clients.findById(client.id))!;
      const resource = server.kernel.registry.resource(`${server.url}/platform`)!;
      const issued = await issueTokens(server.kernel, await server.kernel.keys.signingKey(), {
        client: app,
        subject: 'usr_nobody',
        scopes: ['read:providers'],
        resources: [resource],
        withRefreshToken: false,
      });
      const missing = await new PlatformClient(server, issued.response.access_token).get('/platform/v2/providers');
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({
        data: null,
        errors: [{ cause: 'not_found', code: 601, message: 'the person this token acts for does not exist' }],
      });
    });
  });
});
