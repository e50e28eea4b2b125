import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { expect } from 'vitest';
import type { PageAgent } from '../../helpers/browser.ts';
import { signInThroughPages } from '../../helpers/oauth-flow.ts';
import type { SmtpCapture } from '../../helpers/oauth-server.ts';

/**
 * An MCP client's OAuth state kept in memory, as a desktop MCP client would keep it; the
 * "browser" it sends the person to is recorded for the test to drive through the pages.
 */
export class MemoryOAuthProvider implements OAuthClientProvider {
  info: OAuthClientInformationMixed | undefined;
  saved: OAuthTokens | undefined;
  verifier = '';
  authorizationUrl: URL | undefined;

  constructor(readonly redirectUrl: string) {}

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'Test MCP client', redirect_uris: [this.redirectUrl], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }

  clientInformation() {
    return this.info;
  }

  saveClientInformation(info: OAuthClientInformationMixed) {
    this.info = info;
  }

  tokens() {
    return this.saved;
  }

  saveTokens(tokens: OAuthTokens) {
    this.saved = tokens;
  }

  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }

  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }

  codeVerifier() {
    return this.verifier;
  }
}

/** Follows an authorization URL through sign-in and consent; returns the `code` sent back. */
export async function approveInPages(agent: PageAgent, smtp: SmtpCapture, url: URL, email: string): Promise<string> {
  let response = await agent.get(url.pathname + url.search);
  expect(response.status).toBe(303);
  let location = new URL(response.headers.get('location')!, url);
  if (location.pathname === '/signin') {
    response = await signInThroughPages(agent, smtp, email, response);
    location = new URL(response.headers.get('location')!, url);
  }
  if (location.pathname.startsWith('/oauth/interaction/')) {
    const consent = await agent.get(location.pathname);
    expect(consent.status).toBe(200);
    const decided = await agent.submit(await consent.text(), { decision: 'approve' }, '/oauth/interaction/');
    location = new URL(decided.headers.get('location')!, url);
  }
  const code = location.searchParams.get('code');
  if (!code) throw new Error(`no code in ${location.toString()}`);
  return code;
}
