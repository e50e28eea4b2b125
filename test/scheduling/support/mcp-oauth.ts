import { expect } from 'vitest';
import type { PageAgent } from '../../helpers/browser.ts';
import { signInThroughPages } from '../../helpers/oauth-flow.ts';
import type { SmtpCapture } from '../../helpers/oauth-server.ts';

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
