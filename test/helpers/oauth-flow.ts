import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { PageAgent } from './browser.ts';
import type { SmtpCapture } from './oauth-server.ts';
import { postForm, type TestClient } from './clients.ts';
import type { TestServer } from './server.ts';

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** Signs a person in through the real pages, reading the one-time code from the SMTP server. */
export async function signInThroughPages(
  agent: PageAgent,
  smtp: SmtpCapture,
  email: string,
  signInResponse: Response,
): Promise<Response> {
  const { response: page } = await agent.follow(signInResponse);
  expect(page.status).toBe(200);
  const started = await agent.fillAndSubmit(await page.text(), email, '/signin');
  expect(started.status).toBe(303);
  const { response: codePage } = await agent.follow(started);
  const code = await smtp.waitForCode(email);
  const verified = await agent.fillAndSubmit(await codePage.text(), code, '/signin/code');
  expect(verified.status).toBe(303);
  return verified;
}

export interface AuthorizeResult {
  /** The URL the browser was finally sent to on the client's side. */
  redirect: URL;
  verifier: string;
}

/**
 * Runs GET /oauth/authorize through sign-in (when needed) and consent (when shown), approving,
 * and returns the redirect back to the client.
 */
export async function authorizeThroughPages(
  server: TestServer,
  agent: PageAgent,
  smtp: SmtpCapture,
  client: TestClient,
  options: { email?: string; params?: Record<string, string | string[]>; decision?: 'approve' | 'deny' } = {},
): Promise<AuthorizeResult> {
  const { verifier, challenge } = pkcePair();
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: client.id,
    redirect_uri: client.redirectUri,
    state: 'st-' + randomBytes(4).toString('hex'),
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  for (const [k, v] of Object.entries(options.params ?? {})) {
    query.delete(k);
    for (const value of Array.isArray(v) ? v : [v]) query.append(k, value);
  }
  let response = await agent.get(`/oauth/authorize?${query.toString()}`);
  expect(response.status).toBe(303);
  let location = new URL(response.headers.get('location')!, server.url);
  if (location.pathname === '/signin') {
    response = await signInThroughPages(agent, smtp, options.email ?? 'person@example.com', response);
    location = new URL(response.headers.get('location')!, server.url);
  }
  if (location.pathname.startsWith('/oauth/interaction/')) {
    const consent = await agent.get(location.pathname);
    if (consent.status === 303) return { redirect: new URL(consent.headers.get('location')!, server.url), verifier }; // a stored grant covers it
    expect(consent.status).toBe(200);
    const decided = await agent.submit(
      await consent.text(),
      { decision: options.decision ?? 'approve' },
      '/oauth/interaction/',
    );
    expect(decided.status).toBe(303);
    location = new URL(decided.headers.get('location')!, server.url);
  }
  return { redirect: location, verifier };
}

/** Redeems the code of an `authorizeThroughPages` redirect at the token endpoint, as a public client. */
export async function exchangeCode(
  server: TestServer,
  client: TestClient,
  { redirect, verifier }: AuthorizeResult,
): Promise<Record<string, unknown>> {
  const response = await postForm(server, '/oauth/token', {
    grant_type: 'authorization_code',
    code: redirect.searchParams.get('code')!,
    redirect_uri: client.redirectUri,
    code_verifier: verifier,
    client_id: client.id,
  });
  expect(response.status).toBe(200);
  return response.json;
}

/**
 * Opens an authorization URL as the person's browser would and goes through sign-in (when
 * needed) and consent (when shown), approving; returns where the browser is sent back to.
 */
export async function approveInBrowser(
  server: TestServer,
  agent: PageAgent,
  smtp: SmtpCapture,
  authorizationUrl: string,
  email = 'person@example.com',
): Promise<URL> {
  let response = await agent.get(authorizationUrl);
  expect(response.status).toBe(303);
  let location = new URL(response.headers.get('location')!, server.url);
  if (location.pathname === '/signin') {
    response = await signInThroughPages(agent, smtp, email, response);
    location = new URL(response.headers.get('location')!, server.url);
  }
  if (!location.pathname.startsWith('/oauth/interaction/')) return location;
  const consent = await agent.get(location.pathname);
  if (consent.status === 303) return new URL(consent.headers.get('location')!, server.url);
  expect(consent.status).toBe(200);
  const decided = await agent.submit(await consent.text(), { decision: 'approve' }, '/oauth/interaction/');
  expect(decided.status).toBe(303);
  return new URL(decided.headers.get('location')!, server.url);
}
