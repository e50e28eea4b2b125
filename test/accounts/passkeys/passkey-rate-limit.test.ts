import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerWithMail } from '../../helpers/oauth-server.ts';

/** Passkey sign-in attempts count against the per-IP limit as code sign-in does. */
describe('per-IP limit on passkey sign-in', () => {
  let ctx: Awaited<ReturnType<typeof startServerWithMail>>;
  beforeAll(async () => {
    ctx = await startServerWithMail({ issuerHost: 'localhost', env: { SIGNIN_RATE_LIMIT_PER_MINUTE: '2' } });
  });
  afterAll(() => ctx.close());

  async function signinPage(): Promise<{ cookie: string; csrf: string }> {
    const response = await fetch(`${ctx.server.url}/signin`);
    const cookie = response.headers
      .getSetCookie()
      .map((line) => line.split(';')[0])
      .join('; ');
    const csrf = /name="csrf" value="([^"]+)"/.exec(await response.text())![1]!;
    return { cookie, csrf };
  }

  it('answers options requests past the limit with 429, Retry-After and a message the page shows', async () => {
    const { cookie, csrf } = await signinPage();
    const ask = () =>
      fetch(`${ctx.server.url}/signin/passkey/options`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', cookie },
        body: JSON.stringify({ csrf }),
      });
    expect([(await ask()).status, (await ask()).status]).toEqual([200, 200]);
    const limited = await ask();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ error: 'rate_limited', message: /^Too many sign-in attempts/ });
  });

  it('limits the answers too', async () => {
    const { cookie, csrf } = await signinPage();
    const answer = () =>
      fetch(`${ctx.server.url}/signin/passkey`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        body: new URLSearchParams({ csrf, credential: 'not json' }),
      });
    expect([(await answer()).status, (await answer()).status, (await answer()).status]).toEqual([400, 400, 429]);
  });
});
