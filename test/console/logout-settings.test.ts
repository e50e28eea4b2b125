import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PageAgent } from '../helpers/browser.ts';
import { testDialects } from '../helpers/database.ts';
import { startServerWithMail } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';
import { csrfIn, signedInAgent, visibleText } from './support/signed-in.ts';

const APP = {
  name: 'Signs Out Well',
  type: 'confidential',
  redirect_uris: 'https://rp.example/cb',
  allowed_scopes: ['openid'],
  default_scopes: ['openid'],
  logo_uri: '',
  access_token_ttl: '',
  refresh_token_ttl: '',
};

/** The app form takes the logout metadata: sign-out redirect URIs and a back-channel logout URL. */
describe.each(testDialects())('logout settings in the developer console (%s)', (dialect) => {
  let server: TestServer;
  let close: () => Promise<void>;
  let owner: PageAgent;

  beforeAll(async () => {
    const started = await startServerWithMail({ dialect });
    ({ server, close } = started);
    owner = await signedInAgent(server, started.smtp, 'logout-owner@example.com');
  });
  afterAll(() => close());

  it('saves sign-out redirect URIs and a back-channel logout URL, and shows them again to edit', async () => {
    const form = await (await owner.get('/developers/apps/new')).text();
    expect(form).toContain('name="post_logout_redirect_uris"');
    expect(form).toContain('name="backchannel_logout_uri"');
    const created = await owner.submit(
      form,
      {
        ...APP,
        post_logout_redirect_uris: 'https://rp.example/bye\n\nhttps://rp.example/bye\nhttp://127.0.0.1:8080/bye',
        backchannel_logout_uri: 'https://rp.example/backchannel',
      },
      '/developers/apps',
    );
    expect(created.status).toBe(303);
    const path = created.headers.get('location')!;
    const clientId = decodeURIComponent(path.split('/').pop()!);
    expect(await server.oauth.clients.findById(clientId)).toMatchObject({
      postLogoutRedirectUris: ['https://rp.example/bye', 'http://127.0.0.1:8080/bye'],
      backchannelLogoutUri: 'https://rp.example/backchannel',
    });
    const page = await (await owner.get(path)).text();
    expect(page).toContain('https://rp.example/backchannel');

    const cleared = await owner.post(path, { csrf: csrfIn(page), ...APP });
    expect(cleared.status).toBe(303);
    expect(await server.oauth.clients.findById(clientId)).toMatchObject({
      postLogoutRedirectUris: [],
      backchannelLogoutUri: null,
    });
  });

  it('refuses unsafe values next to their field', async () => {
    const form = await (await owner.get('/developers/apps/new')).text();
    const cases: Array<[Record<string, string>, string]> = [
      [{ post_logout_redirect_uris: 'http://rp.example/bye' }, 'uses http on a non-loopback host'],
      [{ post_logout_redirect_uris: 'https://rp.example/bye#x' }, 'must not contain a fragment'],
      [{ backchannel_logout_uri: 'https://192.168.1.5/logout' }, 'may not be fetched'],
      [{ backchannel_logout_uri: 'http://rp.example/logout' }, 'must use https'],
    ];
    for (const [overrides, message] of cases) {
      const refused = await owner.submit(form, { ...APP, name: 'Refused', ...overrides }, '/developers/apps');
      expect(refused.status, message).toBe(400);
      const body = await refused.text();
      expect(visibleText(body), message).toContain(message);
      expect(body).toContain('aria-invalid="true"');
    }
    expect((await server.oauth.clients.list()).filter((c) => c.name === 'Refused')).toHaveLength(0);
  });
});
