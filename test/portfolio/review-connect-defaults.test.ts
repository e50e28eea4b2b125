import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blankAppForm } from '../../src/console/developers/app-form.ts';
import { PageAgent } from '../helpers/browser.ts';
import { basicAuth, postForm, type TestClient } from '../helpers/clients.ts';
import { pkcePair, signInThroughPages } from '../helpers/oauth-flow.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';
import { PlatformClient } from './support/platform-client.ts';

const CLOSED_PORT_URL = 'http://127.0.0.1:9';
const PORTFOLIO_SCOPES = ['read:providers', 'write:providers', 'read:assets', 'read:transactions'];
const YEAR = 365 * 86_400;

/** The seed's widget URL (client_id, code_challenge, code_challenge_method, state only) through sign-in, linking and consent. */
async function bareWidgetFlow(
  server: TestServer,
  smtp: SmtpCapture,
  client: TestClient & { secret: string },
  email: string,
) {
  const agent = new PageAgent(server.url);
  const { verifier, challenge } = pkcePair();
  const state = randomBytes(8).toString('hex');
  const started = await agent.get(
    `/connect?${new URLSearchParams({ client_id: client.id, code_challenge: challenge, code_challenge_method: 'S256', state }).toString()}`,
  );
  expect(started.status).toBe(303);
  const signedIn = await signInThroughPages(agent, smtp, email, started);
  const interactionPath = signedIn.headers.get('location')!;
  const toStep = await agent.get(interactionPath);
  const stepPath = toStep.headers.get('location')!;
  expect(stepPath).toMatch(/^\/connect\/link\//);
  const continued = await agent.submit(
    await (await agent.get(`${stepPath}/choose`)).text(),
    { share: 'none' },
    '/choose',
  );
  expect(continued.headers.get('location')).toBe(interactionPath);
  const approved = await agent.submit(
    await (await agent.get(interactionPath)).text(),
    { decision: 'approve' },
    '/oauth/interaction/',
  );
  const redirect = new URL(approved.headers.get('location')!);
  expect(redirect.searchParams.get('state')).toBe(state);
  const tokens = await postForm(
    server,
    '/oauth/token',
    {
      grant_type: 'authorization_code',
      code: redirect.searchParams.get('code')!,
      redirect_uri: client.redirectUri,
      code_verifier: verifier,
    },
    { authorization: basicAuth(client.id, client.secret) },
  );
  expect(tokens.status).toBe(200);
  return tokens.json as { access_token: string; refresh_token: string; scope: string; expires_in: number };
}

describe('review #15: the bare Calico widget URL gives the wrong token', () => {
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ server, smtp, close } = await startServerWithMail({
      env: { COINGECKO_API_URL: CLOSED_PORT_URL, ESPLORA_URL: CLOSED_PORT_URL },
    }));
  });
  afterAll(() => close());

  async function refreshLifetime(client: TestClient & { secret: string }, refreshToken: string): Promise<number> {
    const introspected = await postForm(
      server,
      '/oauth/introspect',
      { token: refreshToken },
      { authorization: basicAuth(client.id, client.secret) },
    );
    expect(introspected.json.active).toBe(true);
    return (introspected.json.exp as number) - (introspected.json.iat as number);
  }

  it('grants the portfolio defaults (calico: 15 min / 1 year) to a client made by the default `consentry clients create`', async () => {
    // What `consentry clients create --name … --redirect-uri …` does: no scopes named.
    const { client: made, secret } = await server.oauth.clientService.create({
      name: 'Seed App',
      type: 'confidential',
      redirectUris: ['http://127.0.0.1/seed-cb'],
    });
    const client = { id: made.id, secret: secret!, redirectUri: made.redirectUris[0]! };
    const tokens = await bareWidgetFlow(server, smtp, client, 'seed-person@example.com');
    expect(tokens.scope.split(' ').sort()).toEqual([...PORTFOLIO_SCOPES].sort());
    expect(tokens.expires_in).toBe(15 * 60);
    expect(Math.abs((await refreshLifetime(client, tokens.refresh_token)) - YEAR)).toBeLessThanOrEqual(1);
    expect((await new PlatformClient(server, tokens.access_token).get('/platform/v2/providers')).status).toBe(200);
  });

  it("lets an app made in /developers with its form defaults work through /connect, and /oauth/authorize keep the client's defaults", async () => {
    const form = blankAppForm(server.kernel.registry.scopeNames());
    const { client: made, secret } = await server.oauth.clientService.create({
      name: 'Console App',
      type: 'confidential',
      redirectUris: ['http://127.0.0.1/console-cb'],
      allowedScopes: form.allowedScopes,
      defaultScopes: form.defaultScopes,
      registeredVia: 'console',
    });
    const client = { id: made.id, secret: secret!, redirectUri: made.redirectUris[0]! };
    const tokens = await bareWidgetFlow(server, smtp, client, 'console-person@example.com');
    expect(tokens.scope.split(' ').sort()).toEqual([...PORTFOLIO_SCOPES].sort());
    expect(Math.abs((await refreshLifetime(client, tokens.refresh_token)) - YEAR)).toBeLessThanOrEqual(1);
    const api = new PlatformClient(server, tokens.access_token);
    expect((await api.get('/platform/v2/providers')).status).toBe(200);
    expect((await api.get('/platform/v1/assets')).status).toBe(200);

    // The plain authorization endpoint without scope: the client's own (sign-in) defaults.
    const agent = new PageAgent(server.url);
    const { challenge } = pkcePair();
    const plain = await agent.get(
      `/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: client.id, code_challenge: challenge, code_challenge_method: 'S256', state: 's' }).toString()}`,
    );
    const signedIn = await signInThroughPages(agent, smtp, 'console-person@example.com', plain);
    const consent = await agent.get(signedIn.headers.get('location')!);
    const page = await consent.text();
    expect(page).toContain('Confirm who you are');
    expect(page).not.toContain('See your crypto balances');
  });
});

describe('review #9: confidential clients made by DCR get narrow default scopes', () => {
  let server: TestServer;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ server, close } = await startServerWithMail({ env: { COINGECKO_API_URL: CLOSED_PORT_URL } }));
  });
  afterAll(() => close());

  it('gives a DCR confidential client only openid by default: client credentials without a scope get no product scope', async () => {
    const registered = await fetch(`${server.url}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_name: 'Robot',
        redirect_uris: ['https://robot.example/cb'],
        grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
        token_endpoint_auth_method: 'client_secret_basic',
      }),
    });
    expect(registered.status).toBe(201);
    const body = (await registered.json()) as { client_id: string; client_secret: string };
    const stored = await server.oauth.clients.findById(body.client_id);
    expect(stored!.defaultScopes).toEqual(['openid']);
    const noScope = await postForm(
      server,
      '/oauth/token',
      { grant_type: 'client_credentials' },
      { authorization: basicAuth(body.client_id, body.client_secret) },
    );
    expect(noScope.status).toBe(400);
    expect(noScope.json.error).toBe('invalid_scope');
  });
});
