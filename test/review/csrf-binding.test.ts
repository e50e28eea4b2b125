import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PageAgent, findForm } from '../helpers/browser.ts';
import { signInThroughPages } from '../helpers/oauth-flow.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

/** The agent's cookie jar (test-only peek: an attacker's own browser shows them its cookies). */
const jar = (agent: PageAgent) => (agent as unknown as { cookies: Map<string, string> }).cookies;

describe('review #11: CSRF token bound only to a cookie seed', () => {
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;

  beforeAll(async () => ({ server, smtp, close } = await startServerWithMail()));
  afterAll(() => close());

  async function signedIn(email: string): Promise<{ agent: PageAgent; form: ReturnType<typeof findForm> }> {
    const agent = new PageAgent(server.url);
    await signInThroughPages(agent, smtp, email, await agent.get('/account'));
    const form = findForm(await (await agent.get('/account/profile')).text(), '/account/profile');
    return { agent, form };
  }

  it('a token and seed taken from one session do not work in another (a planted seed cookie is not enough)', async () => {
    const attacker = await signedIn('mallory@example.com');
    const victim = await signedIn('victim@example.com');
    const post = (cookies: Map<string, string>, csrf: string) =>
      fetch(`${server.url}/account/profile`, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        },
        body: new URLSearchParams({ csrf, name: 'Pwned', time_zone: 'UTC' }).toString(),
      });
    // The victim's browser carries the attacker's seed (cookie tossing) and the form the attacker's token.
    const planted = new Map(jar(victim.agent));
    planted.set('consentry_csrf', jar(attacker.agent).get('consentry_csrf')!);
    expect((await post(planted, attacker.form.hidden.csrf!)).status).toBe(403);
    // The victim's own form still works.
    expect((await post(jar(victim.agent), victim.form.hidden.csrf!)).status).toBe(303);
  });

  it('signing in rotates the token: a form rendered before no longer posts', async () => {
    const agent = new PageAgent(server.url);
    const signinPage = await (await agent.follow(await agent.get('/account'))).response.text();
    const before = findForm(signinPage, '/signin').hidden.csrf!;
    const seedBefore = jar(agent).get('consentry_csrf');
    await signInThroughPages(agent, smtp, 'rotate@example.com', await agent.get('/account'));
    expect(jar(agent).get('consentry_csrf')).not.toBe(seedBefore);
    const stale = await agent.post('/account/profile', { csrf: before, name: 'Stale', time_zone: 'UTC' });
    expect(stale.status).toBe(403);
  });

  it('uses the __Host- prefix under https', async () => {
    const https = await startTestServer({ env: { ISSUER: 'https://auth.example.com' } });
    try {
      const response = await fetch(`http://127.0.0.1:${https.config.PORT}/signin`);
      const cookie = response.headers.getSetCookie().find((c) => c.includes('consentry_csrf'))!;
      expect(cookie).toMatch(/^__Host-consentry_csrf=/);
      expect(cookie).toMatch(/; Secure/i);
      expect(cookie).toMatch(/; Path=\//i);
      expect(cookie).not.toMatch(/Domain=/i);
    } finally {
      await https.close();
    }
  });
});
