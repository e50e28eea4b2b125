import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findForm, PageAgent } from '../helpers/browser.ts';
import { createTestClient, type TestClient } from '../helpers/clients.ts';
import { authorizeThroughPages, exchangeCode } from '../helpers/oauth-flow.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';

const USER_CACHE_MS = 1000;

// UserInfo reads people through a cache (USER_CACHE_MS): a change made on this node shows at once,
// one written elsewhere (another node; here straight into the database) once the window has passed.
describe('people cached for USER_CACHE_MS', () => {
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let client: TestClient;
  let agent: PageAgent;
  let accessToken: string;

  beforeAll(async () => {
    ({ server, smtp, close } = await startServerWithMail({ env: { USER_CACHE_MS: String(USER_CACHE_MS) } }));
    client = await createTestClient(server, {
      type: 'public',
      redirectUris: ['http://127.0.0.1/cb'],
      allowedScopes: ['openid', 'profile'],
    });
    agent = new PageAgent(server.url);
    const authorized = await authorizeThroughPages(server, agent, smtp, client, {
      email: 'noor@example.com',
      params: { scope: 'openid profile' },
    });
    accessToken = (await exchangeCode(server, client, authorized)).access_token as string;
  });
  afterAll(() => close());

  async function userinfo(): Promise<Record<string, unknown>> {
    const response = await fetch(`${server.url}/oauth/userinfo`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(response.status).toBe(200);
    return (await response.json()) as Record<string, unknown>;
  }

  it('shows a profile saved on this node at once, with updated_at moved to the change', async () => {
    server.clock.advance(5_000); // updated_at counts seconds: the change must land in a later one
    const before = await userinfo(); // looked up now: cached from here on
    expect(before.name).toBeUndefined();
    const page = await agent.get('/account/profile');
    const form = findForm(await page.text(), '/account/profile');
    const saved = await agent.post('/account/profile', {
      csrf: form.hidden.csrf!,
      name: 'Noor Haddad',
      time_zone: 'Asia/Amman',
    });
    expect(saved.status).toBe(303);
    const after = await userinfo();
    expect(after).toMatchObject({ name: 'Noor Haddad', zoneinfo: 'Asia/Amman' });
    expect(after.updated_at).toBe(Math.floor(server.clock.now() / 1000));
    expect(after.updated_at as number).toBeGreaterThan(before.updated_at as number);
  });

  it('shows a change written elsewhere once USER_CACHE_MS has passed, not before', async () => {
    expect((await userinfo()).name).toBe('Noor Haddad'); // looked up now: cached from here on
    await server.kernel.database.db
      .updateTable('users')
      .set({ name: 'Noor H.' })
      .where('email', '=', 'noor@example.com')
      .execute();
    expect((await userinfo()).name).toBe('Noor Haddad');
    server.clock.advance(USER_CACHE_MS);
    expect((await userinfo()).name).toBe('Noor H.');
  });
});
