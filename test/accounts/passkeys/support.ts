import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { newId } from '../../../src/kernel/crypto/tokens.ts';
import type { Db } from '../../../src/kernel/db/database.ts';
import type { AccountsTestApp } from '../support/accounts-app.ts';
import { csrfTokenIn, type InjectBrowser } from '../support/inject-browser.ts';

export const ORIGIN = 'http://localhost:3000';

const b64url = (value: Buffer | string) => Buffer.from(value).toString('base64url');

/** clientDataJSON as a browser writes it (WebAuthn §5.8.1), base64url. */
export function clientData(type: 'webauthn.get' | 'webauthn.create', challenge: string, origin = ORIGIN): string {
  return b64url(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
}

/**
 * An authentication answer in the JSON form the page script posts. Its signature is random: these
 * tests are about what is refused before or without a valid one (real answers: test/browser).
 */
export function fakeAssertion(credentialId: string, challenge: string, origin = ORIGIN) {
  return {
    id: credentialId,
    rawId: credentialId,
    type: 'public-key',
    clientExtensionResults: {},
    response: {
      clientDataJSON: clientData('webauthn.get', challenge, origin),
      authenticatorData: b64url(randomBytes(37)),
      signature: b64url(randomBytes(70)),
    },
  };
}

/** A registration answer whose attestation object is noise. */
export function fakeAttestation(challenge: string, origin = ORIGIN) {
  const id = b64url(randomBytes(16));
  return {
    id,
    rawId: id,
    type: 'public-key',
    clientExtensionResults: {},
    response: {
      clientDataJSON: clientData('webauthn.create', challenge, origin),
      attestationObject: b64url(randomBytes(64)),
    },
  };
}

/** A person with a stored passkey (its key is noise: it can be found, never verified). */
export async function insertPasskey(db: Db, userId: string, now: number, name = 'Laptop'): Promise<string> {
  const credentialId = b64url(randomBytes(32));
  await db
    .insertInto('passkeys')
    .values({
      id: newId(),
      user_id: userId,
      credential_id: credentialId,
      public_key: b64url(randomBytes(77)),
      counter: 0,
      transports: JSON.stringify(['internal', 'hybrid']),
      device_type: 'multiDevice',
      backed_up: 1,
      name,
      created_at: now,
      last_used_at: null,
    })
    .execute();
  return credentialId;
}

/** Opens /signin and asks for passkey options as the page script does; returns the page and the options. */
export async function startPasskeySignIn(browser: InjectBrowser, path = '/signin') {
  const page = await browser.get(path);
  expect(page.statusCode).toBe(200);
  const response = await browser.postJson('/signin/passkey/options', { csrf: csrfTokenIn(page.body) });
  expect(response.statusCode, response.body).toBe(200);
  const { options } = response.json() as { options: { challenge: string; rpId: string } & Record<string, unknown> };
  return { page: page.body, response, options };
}

/** Signs in with a code read from the log (codes go to the log without SMTP); returns the user id. */
export async function signInByCode(t: AccountsTestApp, browser: InjectBrowser, email: string): Promise<string> {
  const page = await browser.get('/signin');
  const requested = await browser.submit(page.body, '/signin', { identifier: email });
  expect(requested.statusCode).toBe(303);
  const codePage = await browser.get(requested.headers.location as string);
  const code = /\d{6}/.exec(t.logs.findLast((l) => l.msg.includes('one-time code'))!.msg)![0];
  const verified = await browser.submit(codePage.body, '/signin/code', { code });
  expect(verified.statusCode, verified.body).toBe(303);
  const user = await t.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow();
  return user.id;
}

export async function sessionCount(db: Db): Promise<number> {
  return (await db.selectFrom('sessions').select('id').execute()).length;
}
