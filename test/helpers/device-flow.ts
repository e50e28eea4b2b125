import { expect } from 'vitest';
import type { PageAgent } from './browser.ts';
import type { SmtpCapture } from './oauth-server.ts';
import { signInThroughPages } from './oauth-flow.ts';
import type { TestServer } from './server.ts';

export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** Four letters, a dash, four letters (e.g. BCDF-GHJK), from the letters the server uses. */
export const USER_CODE_FORMAT = /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/;

/**
 * Opens /device as a person would, signing in through the real pages first when the agent has
 * no session (the sign-in comes back to /device), and returns the code entry page's HTML.
 */
export async function openDevicePage(
  server: TestServer,
  agent: PageAgent,
  smtp: SmtpCapture,
  email: string,
  path = '/device',
): Promise<string> {
  let response = await agent.get(path);
  if (response.status === 303) {
    expect(new URL(response.headers.get('location')!, server.url).pathname).toBe('/signin');
    const signedIn = await signInThroughPages(agent, smtp, email, response);
    response = await agent.get(signedIn.headers.get('location')!);
  }
  expect(response.status).toBe(200);
  return response.text();
}

/** Types `typed` into /device's code field: the consent screen (200) or the page again with an error. */
export async function enterUserCode(agent: PageAgent, codePage: string, typed: string): Promise<Response> {
  return agent.fillAndSubmit(codePage, typed, '/device');
}

/**
 * The whole of a person's part: /device (signing in if needed), the code, then Allow or Deny
 * on the consent screen. Returns the consent screen's HTML.
 */
export async function decideOnDevicePage(
  server: TestServer,
  agent: PageAgent,
  smtp: SmtpCapture,
  options: { email: string; userCode: string; decision?: 'approve' | 'deny' },
): Promise<string> {
  const codePage = await openDevicePage(server, agent, smtp, options.email);
  const consent = await enterUserCode(agent, codePage, options.userCode);
  const consentHtml = await consent.text();
  expect(consent.status, consentHtml.slice(0, 500)).toBe(200);
  const decision = options.decision ?? 'approve';
  const decided = await agent.submit(consentHtml, { decision }, '/device/consent');
  expect(decided.status).toBe(303);
  expect(decided.headers.get('location')).toBe(decision === 'approve' ? '/device/approved' : '/device/denied');
  return consentHtml;
}
