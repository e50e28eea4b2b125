import { createServer, type Server } from 'node:http';
import * as client from 'openid-client';
import { expect } from 'vitest';
import type { PageAgent } from './browser.ts';
import type { TestClient } from './clients.ts';
import { signInThroughPages } from './oauth-flow.ts';
import type { SmtpCapture } from './oauth-server.ts';
import type { TestServer } from './server.ts';

/** openid-client's view of the server for a confidential test client (client_secret_basic). */
export function discover(server: TestServer, registered: TestClient): Promise<client.Configuration> {
  return client.discovery(
    new URL(server.url),
    registered.id,
    registered.secret,
    client.ClientSecretBasic(registered.secret!),
    { execute: [client.allowInsecureRequests] },
  );
}

/**
 * The authorization code flow with `openid`, driven by openid-client, the person in `agent`
 * signing in through the pages when needed and approving consent when asked.
 */
export async function signInToApp(
  server: TestServer,
  agent: PageAgent,
  smtp: SmtpCapture,
  config: client.Configuration,
  registered: TestClient,
  email: string,
) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: registered.redirectUri,
    scope: 'openid email',
    state,
    nonce,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  let response = await agent.get(url.toString());
  let location = new URL(response.headers.get('location')!, server.url);
  if (location.pathname === '/signin') {
    response = await signInThroughPages(agent, smtp, email, response);
    location = new URL(response.headers.get('location')!, server.url);
  }
  if (location.pathname.startsWith('/oauth/interaction/')) {
    const consent = await agent.get(location.pathname);
    if (consent.status === 303) location = new URL(consent.headers.get('location')!, server.url);
    else {
      const decided = await agent.submit(await consent.text(), { decision: 'approve' }, '/oauth/interaction/');
      expect(decided.status).toBe(303);
      location = new URL(decided.headers.get('location')!, server.url);
    }
  }
  const tokens = await client.authorizationCodeGrant(config, location, {
    pkceCodeVerifier: verifier,
    expectedState: state,
    expectedNonce: nonce,
  });
  return { tokens, claims: tokens.claims()! };
}

/** Whether the agent's browser still has a Consentry session (/account answers instead of sending to sign-in). */
export async function isSignedIn(agent: PageAgent): Promise<boolean> {
  const response = await agent.get('/account');
  await response.text();
  return response.status === 200;
}

/** Presses "Sign out" on /account (the page's CSRF token, posted to /signout). */
export async function signOutOnAccountPage(agent: PageAgent): Promise<Response> {
  const html = await (await agent.get('/account')).text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!csrf) throw new Error('the account page has no form');
  return agent.post('/signout', { csrf });
}

export interface ReceivedLogout {
  path: string;
  contentType: string | undefined;
  logoutToken: string | null;
}

/**
 * An app's back-channel logout endpoint on 127.0.0.1: records every POST and answers with the
 * next status of `statuses` for its path (then 200), as a relying party would.
 */
export async function startLogoutReceiver(statuses: Record<string, number[]> = {}) {
  const received: ReceivedLogout[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      received.push({
        path,
        contentType: request.headers['content-type'],
        logoutToken: new URLSearchParams(body).get('logout_token'),
      });
      const status = statuses[path]?.shift() ?? 200;
      // Back-Channel Logout §2.8: the RP answers 200 with Cache-Control: no-store.
      response.writeHead(status, { 'cache-control': 'no-store' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    received,
    at: (path: string) => received.filter((r) => r.path === path),
    /** Polls until `count` requests reached `path` (bounded), never sleeping a fixed time. */
    async waitFor(path: string, count: number): Promise<ReceivedLogout[]> {
      const deadline = Date.now() + 10_000;
      while (received.filter((r) => r.path === path).length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} logout token(s) at ${path}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return received.filter((r) => r.path === path);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
