import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';

/** PRODUCTS chooses what a deployment serves: scopes, discovery, routes and pages alike. */
describe('choosing the products a deployment serves', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('serves only the authorization server when PRODUCTS is empty', async () => {
    server = await startTestServer({ env: { PRODUCTS: ',' } });
    const discovery = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as {
      scopes_supported: string[];
    };
    expect(discovery.scopes_supported).toEqual(['openid', 'profile', 'email', 'phone', 'offline_access']);
    expect((await fetch(`${server.url}/api/v2/me`)).status).toBe(404);
    expect((await fetch(`${server.url}/platform/v2/providers/catalog`)).status).toBe(404);
    expect((await fetch(`${server.url}/.well-known/oauth-protected-resource/api/v2`)).status).toBe(404);
    expect((await fetch(`${server.url}/api/whoami`)).status).toBe(401);
  });

  it('serves the portfolio alone', async () => {
    server = await startTestServer({ env: { PRODUCTS: 'portfolio' } });
    expect((await fetch(`${server.url}/platform/v2/providers/catalog`)).status).toBe(401);
    expect((await fetch(`${server.url}/api/v2/me`)).status).toBe(404);
  });

  it('refuses a TOKEN_PROFILE that no served resource defines', async () => {
    await expect(startTestServer({ env: { TOKEN_PROFILE: 'fast' } })).rejects.toThrow(
      /TOKEN_PROFILE names no profile of a served resource: fast \(known: whoami, calico, caledee\)/,
    );
    await expect(startTestServer({ env: { PRODUCTS: 'scheduling', TOKEN_PROFILE: 'calico' } })).rejects.toThrow(
      /TOKEN_PROFILE/,
    );
  });

  it('refuses an unknown product at start', async () => {
    await expect(startTestServer({ env: { PRODUCTS: 'portfolio,crm' } })).rejects.toThrow(/unknown product: crm/);
  });
});
