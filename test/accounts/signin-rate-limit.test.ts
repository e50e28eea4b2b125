import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PageAgent } from '../helpers/browser.ts';
import { startServerWithMail } from '../helpers/oauth-server.ts';

/** The per-destination throttle stops one address being flooded; this stops one IP trying many. */
describe('per-IP limit on sign-in requests', () => {
  let ctx: Awaited<ReturnType<typeof startServerWithMail>>;
  beforeAll(async () => {
    ctx = await startServerWithMail({ env: { SIGNIN_RATE_LIMIT_PER_MINUTE: '3' } });
  });
  afterAll(() => ctx.close());

  it('answers 429 with Retry-After once an IP exceeds the limit, whatever the address', async () => {
    const agent = new PageAgent(ctx.server.url);
    const form = await (await agent.get('/signin')).text();
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await agent.fillAndSubmit(form, `someone${i}@example.com`, '/signin')).status);
    expect(statuses).toEqual([303, 303, 303, 429]);
    const limited = await agent.fillAndSubmit(form, 'another@example.com', '/signin');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.text()).toContain('Too many sign-in attempts');
  });
});
