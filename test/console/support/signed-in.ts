import { PageAgent } from '../../helpers/browser.ts';
import { signInThroughPages } from '../../helpers/oauth-flow.ts';
import type { SmtpCapture } from '../../helpers/oauth-server.ts';
import type { TestServer } from '../../helpers/server.ts';

/** A cookie-keeping agent signed in (signed up on first use) as `email` through the real pages. */
export async function signedInAgent(
  server: TestServer,
  smtp: SmtpCapture,
  email: string,
  userAgent?: string,
): Promise<PageAgent> {
  const agent = new PageAgent(server.url);
  if (userAgent) agent.userAgent = userAgent;
  await signInThroughPages(agent, smtp, email, await agent.get('/account'));
  return agent;
}

/** The text of a page with tags removed and whitespace collapsed, for "the page says …" checks. */
export function visibleText(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ');
}

/** The CSRF token of the forms in a page. */
export function csrfIn(html: string): string {
  const token = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error('no CSRF field in page');
  return token;
}
