import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PageAgent } from '../../helpers/browser.ts';
import { createTestClient, type TestClient } from '../../helpers/clients.ts';
import { testDialects } from '../../helpers/database.ts';
import { startServerWithMail, type SmtpCapture } from '../../helpers/oauth-server.ts';
import { freePort, type TestServer } from '../../helpers/server.ts';
import { personWithToken, type Json, type PlatformClient } from '../support/platform-client.ts';
import { startCoinbaseOAuthStandIn, type CoinbaseOAuthStandIn } from './support/coinbase-oauth-stand-in.ts';
import { sampleAccount } from './support/sample-account.ts';

const CLOSED_PORT_URL = 'http://127.0.0.1:9';

/** Coinbase's consent answered (auto-approved): the redirect back to Consentry, with code and state. */
async function consentAt(redirectUrl: string): Promise<string> {
  const answer = await fetch(redirectUrl, { redirect: 'manual' });
  expect(answer.status).toBe(302);
  return answer.headers.get('location')!;
}

describe.each(testDialects())('Coinbase linked by its own OAuth (%s)', (dialect) => {
  let coinbase: CoinbaseOAuthStandIn;
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let client: TestClient;
  let api: PlatformClient;
  let agent: PageAgent;

  beforeAll(async () => {
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    coinbase = await startCoinbaseOAuthStandIn({
      redirectUri: `${issuer}/connect/oauth/callback/coinbase`,
      autoApprove: true,
      // Shorter than the two minutes ahead of expiry Consentry refreshes in: every sync refreshes (and rotates).
      accessTokenTtlSeconds: 60,
      fixture: sampleAccount({ rewards: true, conversions: true, buyFee: 'quote' }),
    });
    ({ server, smtp, close } = await startServerWithMail({
      dialect,
      env: {
        PORT: String(port),
        ISSUER: issuer,
        COINGECKO_API_URL: CLOSED_PORT_URL,
        COINBASE_OAUTH_CLIENT_ID: coinbase.clientId,
        COINBASE_OAUTH_CLIENT_SECRET: coinbase.clientSecret,
        EXCHANGE_OAUTH_URLS: JSON.stringify({
          coinbase: {
            authorize: `${coinbase.url}/oauth2/auth`,
            token: `${coinbase.url}/oauth2/token`,
            revoke: `${coinbase.url}/oauth2/revoke`,
          },
        }),
        EXCHANGE_API_URLS: JSON.stringify({ coinbase: coinbase.url }),
      },
    }));
    client = await createTestClient(server, {
      name: 'Tax App',
      type: 'public',
      redirectUris: ['http://127.0.0.1/cb'],
      allowedScopes: ['read:providers', 'write:providers', 'read:assets', 'read:transactions'],
    });
    ({ api, agent } = await personWithToken(server, smtp, client, `coinbase-oauth-${dialect}@example.com`));
  });
  afterAll(async () => {
    await close?.();
    await coinbase?.close();
  });

  it('offers Coinbase by OAuth and by API key in the catalogue', async () => {
    const catalog = await api.get('/platform/v2/providers/catalog');
    const entry = catalog.body.data.providers.find((p: Json) => p.provider_id === 'coinbase');
    expect(entry.auth_types).toEqual(['oauth2', 'api_key']);
  });

  it('starts with a consent URL (PKCE, state, read scopes, offline_access) and stores nothing usable yet', async () => {
    const started = await api.post('/platform/v2/providers', {
      provider_id: 'coinbase',
      connection: { type: 'oauth2' },
    });
    expect(started.status).toBe(200);
    expect(started.body.data).toMatchObject({
      added: false,
      provider_id: 'coinbase',
      connection_id: expect.any(String),
    });
    const consent = new URL(started.body.data.redirect_url);
    expect(consent.origin + consent.pathname).toBe(`${coinbase.url}/oauth2/auth`);
    expect(Object.fromEntries(consent.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: coinbase.clientId,
      redirect_uri: `${server.url}/connect/oauth/callback/coinbase`,
      code_challenge_method: 'S256',
      state: expect.stringMatching(/^[\w-]{43}$/),
      code_challenge: expect.stringMatching(/^[\w-]{43}$/),
    });
    expect(consent.searchParams.get('scope')!.split(' ')).toEqual(
      expect.arrayContaining(['wallet:accounts:read', 'wallet:transactions:read', 'offline_access']),
    );
    const v1 = await api.post('/platform/v1/provider', { provider_id: 'coinbase', connection: { type: 'oauth2' } });
    expect(v1.body.data.consent_url).toMatch(/\/oauth2\/auth\?/);
    const pending = (await api.get('/platform/v2/providers')).body.data.providers as Json[];
    expect(pending.map((p) => p.status)).toEqual(['pending', 'pending']);
    await api.delete('/platform/v2/providers', { provider_ids: ['coinbase'] });
  });

  it('refuses the return of a link somebody else began, and keeps the link for its owner', async () => {
    const started = await api.post('/platform/v2/providers', {
      provider_id: 'coinbase',
      connection: { type: 'oauth2' },
    });
    const back = await consentAt(started.body.data.redirect_url);
    const other = await personWithToken(server, smtp, client, `someone-else-${dialect}@example.com`);
    const refused = await other.agent.get(back);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/unknown, already used or expired/);
    expect((await api.get('/platform/v2/providers')).body.data.providers).toMatchObject([{ status: 'pending' }]);
    await api.delete('/platform/v2/providers', { provider_ids: ['coinbase'] });
  });

  it('links on the way back, reads balances and every transaction, and a replayed return is refused', async () => {
    const started = await api.post('/platform/v2/providers', {
      provider_id: 'coinbase',
      connection: { type: 'oauth2' },
    });
    const back = await consentAt(started.body.data.redirect_url);
    const landed = await agent.get(back);
    expect(landed.status).toBe(200);
    expect(await landed.text()).toContain('Coinbase is linked');
    expect((await agent.get(back)).status).toBe(400);

    await server.kernel.jobs.drain();
    const providers = (await api.get('/platform/v2/providers')).body.data.providers as Json[];
    expect(providers).toMatchObject([{ provider_id: 'coinbase', auth_type: 'oauth2', status: 'connected' }]);
    const assets = (await api.get('/platform/v2/assets?crypto_sources=coinbase')).body.data.assets as Json[];
    expect(assets.map((a) => a.asset.symbol).sort()).toEqual(['BTC', 'ETH', 'USDT']);
    const transactions = (await api.get('/platform/v2/transactions?crypto_sources=coinbase&limit=100')).body.data
      .transactions as Json[];
    const categories = transactions.map((t) => t.categorization.category);
    expect(categories).toEqual(expect.arrayContaining(['deposit', 'withdrawal', 'staking_reward', 'trade']));
    expect(transactions.find((t) => t.categorization.category === 'deposit')).toMatchObject({ type: 'receive' });
  });

  it('refreshes an expiring token (the rotated refresh token is kept), and a refused refresh asks to link again', async () => {
    const spent = coinbase.revoked.size;
    server.clock.advance(61_000);
    expect((await api.post('/platform/v2/transactions/refresh')).status).toBe(202);
    await server.kernel.jobs.drain();
    expect((await api.get('/platform/v2/providers')).body.data.providers[0]).toMatchObject({ status: 'connected' });
    // Rotation: the old refresh token is spent at Coinbase, the new one was saved and used.
    expect(coinbase.revoked.size).toBeGreaterThan(spent);

    server.clock.advance(61_000);
    coinbase.failNextRefresh('invalid_grant');
    expect((await api.post('/platform/v2/transactions/refresh')).status).toBe(202);
    await server.kernel.jobs.drain();
    const [connection] = (await api.get('/platform/v2/providers')).body.data.providers as Json[];
    expect(connection).toMatchObject({ status: 'needs_reauth', error: { cause: 'provider_auth_failed' } });
  });

  it('links the same account again after that, and revokes its tokens at Coinbase when the person unlinks', async () => {
    expect((await api.delete('/platform/v2/providers', { provider_ids: ['coinbase'] })).status).toBe(200);
    const started = await api.post('/platform/v2/providers', {
      provider_id: 'coinbase',
      connection: { type: 'oauth2' },
    });
    expect((await agent.get(await consentAt(started.body.data.redirect_url))).status).toBe(200);
    await server.kernel.jobs.drain();
    expect((await api.get('/platform/v2/providers')).body.data.providers).toMatchObject([{ status: 'connected' }]);

    const revokes = () => coinbase.requests.filter((r) => r.path === '/oauth2/revoke').length;
    const [before, revokedBefore] = [revokes(), coinbase.revoked.size];
    expect((await api.delete('/platform/v2/providers', { provider_ids: ['coinbase'] })).status).toBe(200);
    expect(revokes()).toBeGreaterThan(before);
    expect(coinbase.revoked.size).toBeGreaterThan(revokedBefore);
    expect((await api.get('/platform/v2/providers')).body.data.providers).toEqual([]);
  });
});
