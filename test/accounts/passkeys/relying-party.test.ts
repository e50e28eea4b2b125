import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relyingPartyOf } from '../../../src/accounts/passkeys/relying-party.ts';
import { ConfigError, loadConfig } from '../../../src/config.ts';
import { buildAccountsApp, type AccountsTestApp } from '../support/accounts-app.ts';
import { csrfTokenIn, InjectBrowser } from '../support/inject-browser.ts';

const rpOf = (env: Record<string, string>) => relyingPartyOf(loadConfig(env));

describe('the relying party passkeys are made for', () => {
  it('is the ISSUER’s host by default, its origin the only one accepted', () => {
    expect(rpOf({ PORT: '3000' })).toEqual({ id: 'localhost', name: 'Consentry', origin: 'http://localhost:3000' });
    expect(rpOf({ ISSUER: 'https://Auth.Example.com/base', WEBAUTHN_RP_NAME: 'Example ID' })).toEqual({
      id: 'auth.example.com',
      name: 'Example ID',
      origin: 'https://auth.example.com',
    });
  });

  it('may be a parent domain of the ISSUER’s host, and nothing else', () => {
    expect(rpOf({ ISSUER: 'https://auth.example.com', WEBAUTHN_RP_ID: 'Example.com' })?.id).toBe('example.com');
    for (const id of ['other.com', 'ample.com', 'login.auth.example.com'])
      expect(() => loadConfig({ ISSUER: 'https://auth.example.com', WEBAUTHN_RP_ID: id })).toThrow(ConfigError);
    expect(() => loadConfig({ ISSUER: 'http://127.0.0.1:3000', WEBAUTHN_RP_ID: '127.0.0.1' })).toThrow(
      /must be a domain name/,
    );
  });

  it('does not exist for an issuer on an IP address (browsers accept no IP as RP ID)', () => {
    expect(rpOf({ ISSUER: 'http://127.0.0.1:3000' })).toBeUndefined();
    expect(rpOf({ ISSUER: 'http://[::1]:3000' })).toBeUndefined();
  });
});

describe('a server on an IP address', () => {
  let t: AccountsTestApp;
  beforeAll(async () => {
    t = await buildAccountsApp({ env: { ISSUER: 'http://127.0.0.1:3000' } });
  });
  afterAll(() => t.close());

  it('offers codes only: no passkey button, autofill, script or endpoints', async () => {
    const browser = new InjectBrowser(t.app);
    const page = await browser.get('/signin');
    expect(page.body).toMatch(/<input id="identifier"[^>]*autocomplete="username"/);
    expect(page.body).not.toMatch(/passkey/i);
    const options = await browser.postJson('/signin/passkey/options', { csrf: csrfTokenIn(page.body) });
    expect(options.statusCode).toBe(404);
    expect((await browser.get('/assets/passkeys.js')).statusCode).toBe(404);
  });
});

describe('/assets/passkeys.js', () => {
  let t: AccountsTestApp;
  beforeAll(async () => {
    t = await buildAccountsApp();
  });
  afterAll(() => t.close());

  it('is one small first-party classic script, bundled once', async () => {
    const browser = new InjectBrowser(t.app);
    const first = await browser.get('/assets/passkeys.js');
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(first.body).toMatch(/^\/\*! Includes @simplewebauthn\/browser — MIT License/);
    expect(first.body).not.toMatch(/^\s*(import|export)\s/m);
    expect(first.body).toContain('/signin/passkey/options');
    expect(gzipSync(first.body).length).toBeLessThan(6_000);
    expect((await browser.get('/assets/passkeys.js')).body).toBe(first.body);
  });
});
