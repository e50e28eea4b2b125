import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AccountsError,
  DuplicateUser,
  InvalidEmail,
  InvalidName,
  InvalidPhone,
  MissingContact,
} from '../../src/accounts/index.ts';
import { testDialects } from '../helpers/database.ts';
import { startSmtpCapture, type SmtpCapture } from '../helpers/smtp.ts';
import { buildAccountsApp, type AccountsTestApp } from './support/accounts-app.ts';
import { signIn } from './support/flows.ts';
import { InjectBrowser } from './support/inject-browser.ts';

describe.each(testDialects())('accounts.users (%s)', (dialect) => {
  let smtp: SmtpCapture;
  let t: AccountsTestApp;

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    t = await buildAccountsApp({ dialect, env: { SMTP_URL: smtp.url } });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  it('creates a person with normalised, unverified contacts', async () => {
    const user = await t.accounts.users.create({
      email: ' Ada@Example.com ',
      phone: '+44 7911 123499',
      name: ' Ada Lovelace ',
    });
    expect(user).toMatchObject({
      email: 'ada@example.com',
      emailVerified: false,
      phone: '+447911123499',
      phoneVerified: false,
      name: 'Ada Lovelace',
      timeZone: null,
    });
    expect(typeof user.createdAt).toBe('number');
    expect(await t.accounts.users.findById(user.id)).toEqual(user);
    expect(await t.accounts.users.findById('no-such-id')).toBeUndefined();
  });

  it('refuses invalid or duplicate input with typed errors', async () => {
    await t.accounts.users.create({ email: 'taken@example.com' });
    const failures: Array<
      [Parameters<typeof t.accounts.users.create>[0], new (...args: never[]) => AccountsError, string]
    > = [
      [{}, MissingContact, 'missing_contact'],
      [{ email: 'not-an-email' }, InvalidEmail, 'invalid_email'],
      [{ phone: '12345' }, InvalidPhone, 'invalid_phone'],
      [{ email: 'named@example.com', name: '  ' }, InvalidName, 'invalid_name'],
      [{ email: 'TAKEN@example.com' }, DuplicateUser, 'duplicate_user'],
      [{ email: 'fresh@example.com', phone: '+447911123499' }, DuplicateUser, 'duplicate_user'],
    ];
    for (const [input, type, code] of failures) {
      const error = await t.accounts.users.create(input).catch((e: unknown) => e);
      expect(error, JSON.stringify(input)).toBeInstanceOf(type);
      expect((error as AccountsError).code).toBe(code);
    }
    expect(await t.db.selectFrom('users').select('id').where('email', '=', 'fresh@example.com').execute()).toHaveLength(
      0,
    );
  });

  it('lets a person created by an operator sign in to that account, verifying the address', async () => {
    const created = await t.accounts.users.create({ email: 'invited@example.com', name: 'Invited' });
    const browser = new InjectBrowser(t.app);
    await signIn(browser, 'invited@example.com', () => smtp.waitForCode('invited@example.com'));
    expect(await t.accounts.users.findById(created.id)).toMatchObject({ emailVerified: true });
    const account = await browser.get('/account');
    expect(account.body).toContain('Signed in as <strong>Invited</strong>');
    expect(account.body).not.toContain('(not verified)');
  });
});
