import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeAccountsData } from '../../src/accounts/index.ts';
import { buildAccountsApp, type AccountsTestApp } from './support/accounts-app.ts';
import { enterCode, requestCode } from './support/flows.ts';
import { csrfTokenIn, InjectBrowser } from './support/inject-browser.ts';

describe('purgeAccountsData', () => {
  let t: AccountsTestApp;
  beforeAll(async () => {
    t = await buildAccountsApp({ env: { SESSION_TTL_SECONDS: '3600' } });
  });
  afterAll(() => t.close());

  it('deletes expired sessions, and challenges only once the hourly limit no longer counts them', async () => {
    const browser = new InjectBrowser(t.app);
    const { codePage } = await requestCode(browser, 'purge@example.com');
    const code = /\d{6}/.exec(t.logs.findLast((l) => l.msg.includes('one-time code'))!.msg)![0];
    await enterCode(browser, codePage, code);

    t.clock.advance(30 * 60_000); // challenge expired 20 minutes ago, but still counts
    expect(await purgeAccountsData(t.db, t.clock.now())).toEqual({ sessions: 0, challenges: 0, passkeyChallenges: 0 });

    t.clock.advance(31 * 60_000);
    expect(await purgeAccountsData(t.db, t.clock.now())).toEqual({ sessions: 1, challenges: 1, passkeyChallenges: 0 });
    expect(await t.db.selectFrom('users').select('id').execute()).toHaveLength(1);
  });

  it('deletes passkey challenges once they expire', async () => {
    const browser = new InjectBrowser(t.app);
    const page = await browser.get('/signin');
    const options = await browser.postJson('/signin/passkey/options', { csrf: csrfTokenIn(page.body) });
    expect(options.statusCode).toBe(200);
    t.clock.advance(4 * 60_000);
    expect(await purgeAccountsData(t.db, t.clock.now())).toMatchObject({ passkeyChallenges: 0 });
    t.clock.advance(60_000);
    expect(await purgeAccountsData(t.db, t.clock.now())).toMatchObject({ passkeyChallenges: 1 });
    expect(await t.db.selectFrom('passkey_challenges').select('challenge').execute()).toEqual([]);
  });
});
