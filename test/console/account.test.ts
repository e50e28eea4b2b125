import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PageAgent } from '../helpers/browser.ts';
import { testDialects } from '../helpers/database.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';
import { csrfIn, signedInAgent, visibleText } from './support/signed-in.ts';

const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';
const SAFARI =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const CHROME =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

describe.each(testDialects())('/account: profile and sessions (%s)', (dialect) => {
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ server, smtp, close } = await startServerWithMail({ dialect }));
  });
  afterAll(() => close());

  it('edits the name and time zone (any spelling of an IANA zone), shown on /account', async () => {
    const agent = await signedInAgent(server, smtp, 'grace@example.com');
    const form = await agent.get('/account/profile');
    expect(form.status).toBe(200);
    const page = await form.text();
    expect(page).toContain('<option>Europe/Paris</option>');
    expect(page).toContain('<label for="time_zone">Time zone</label>');
    const saved = await agent.submit(page, { name: '  Grace Hopper ', time_zone: 'europe/paris' }, '/account/profile');
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe('/account?saved=profile');
    const account = visibleText(await (await agent.get('/account?saved=profile')).text());
    expect(account).toContain('Your profile was saved.');
    expect(account).toContain('Name Grace Hopper');
    expect(account).toContain('Time zone Europe/Paris');
    expect(await (await agent.get('/account/profile')).text()).toContain('<option selected>Europe/Paris</option>');

    const cleared = await agent.submit(
      await (await agent.get('/account/profile')).text(),
      { name: '', time_zone: '' },
      '/account/profile',
    );
    expect(cleared.status).toBe(303);
    expect(visibleText(await (await agent.get('/account')).text())).toContain('Name Not set Time zone Not set');
  });

  it('refuses an unknown time zone or an overlong name with 400, next to the field', async () => {
    const agent = await signedInAgent(server, smtp, 'linus@example.com');
    const page = await (await agent.get('/account/profile')).text();
    for (const [fields, message] of [
      [{ name: 'Linus', time_zone: 'Mars/Olympus_Mons' }, 'Choose a time zone from the list'],
      [{ name: 'Linus', time_zone: '+05:00' }, 'Choose a time zone from the list'],
      [{ name: 'L'.repeat(201), time_zone: 'UTC' }, 'A name must be 1 to 200 characters long.'],
    ] as const) {
      const refused = await agent.submit(page, fields, '/account/profile');
      expect(refused.status).toBe(400);
      const body = await refused.text();
      expect(visibleText(body)).toContain(message);
      expect(body).toContain('aria-invalid="true"');
    }
    expect(visibleText(await (await agent.get('/account')).text())).toContain('Name Not set');
  });

  it('lists where the person is signed in, and signs one other browser out', async () => {
    const laptop = await signedInAgent(server, smtp, 'katherine@example.com', FIREFOX);
    const phone = await signedInAgent(server, smtp, 'katherine@example.com', SAFARI);
    const page = await (await laptop.get('/account')).text();
    const text = visibleText(page);
    expect(text).toContain('Firefox on Windows This browser');
    expect(text).toContain('Safari on iOS');
    expect(text).toContain('127.0.0.1');
    const phoneSession = /action="\/account\/sessions\/([^/]+)\/signout"/.exec(page)![1]!;

    const ended = await laptop.post(`/account/sessions/${phoneSession}/signout`, { csrf: csrfIn(page) });
    expect(ended.status).toBe(303);
    expect((await phone.get('/account')).status).toBe(303); // signed out: back to /signin
    expect((await laptop.get('/account')).status).toBe(200);
    expect(visibleText(await (await laptop.get('/account?signed_out=one')).text())).toContain(
      'That session was signed out.',
    );
  });

  it('signs out everywhere else, keeping this browser', async () => {
    const here = await signedInAgent(server, smtp, 'dorothy@example.com', CHROME);
    const others = [
      await signedInAgent(server, smtp, 'dorothy@example.com', FIREFOX),
      await signedInAgent(server, smtp, 'dorothy@example.com', SAFARI),
    ];
    const bystander = await signedInAgent(server, smtp, 'someone.else@example.com');
    const page = await (await here.get('/account')).text();
    const ended = await here.submit(page, {}, '/account/sessions/signout-others');
    expect(ended.status).toBe(303);
    for (const other of others) expect((await other.get('/account')).status).toBe(303);
    expect((await here.get('/account')).status).toBe(200);
    expect((await bystander.get('/account')).status).toBe(200);
    expect(visibleText(await (await here.get('/account')).text())).toContain('You are not signed in anywhere else.');
  });

  it('answers 404 for a session that is not the person’s (or is this browser’s own)', async () => {
    const mine = await signedInAgent(server, smtp, 'hedy@example.com');
    const theirs = await signedInAgent(server, smtp, 'margaret@example.com');
    const sessionOf = (email: string) =>
      server.kernel.database.db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .select('sessions.id')
        .where('users.email', '=', email)
        .executeTakeFirstOrThrow();
    const page = await (await mine.get('/account')).text();
    expect(
      (
        await mine.post(`/account/sessions/${(await sessionOf('margaret@example.com')).id}/signout`, {
          csrf: csrfIn(page),
        })
      ).status,
    ).toBe(404);
    expect((await theirs.get('/account')).status).toBe(200);
    expect(
      (await mine.post(`/account/sessions/${(await sessionOf('hedy@example.com')).id}/signout`, { csrf: csrfIn(page) }))
        .status,
    ).toBe(404);
    expect((await mine.get('/account')).status).toBe(200);
  });

  it('refuses the profile and session forms without a CSRF token (403)', async () => {
    const agent = await signedInAgent(server, smtp, 'barbara@example.com');
    for (const [action, form] of [
      ['/account/profile', { name: 'Forged', time_zone: 'UTC' }],
      ['/account/sessions/signout-others', {}],
      ['/account/sessions/any/signout', {}],
    ] as const) {
      expect((await agent.post(action, { ...form, csrf: 'forged' })).status).toBe(403);
      expect((await agent.post(action, form)).status).toBe(403);
    }
    expect(visibleText(await (await agent.get('/account')).text())).toContain('Name Not set');
  });

  it('sends a signed-out visitor of the profile page to sign in', async () => {
    const response = await new PageAgent(server.url).get('/account/profile');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/signin?return_to=%2Faccount%2Fprofile');
  });
});
