import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oauth from 'oauth4webapi';
import { PageAgent } from '../helpers/browser.ts';
import { basicAuth } from '../helpers/clients.ts';
import { clientKeyPair, type ClientKeyPair } from '../helpers/client-keys.ts';
import { testDialects } from '../helpers/database.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';
import { csrfIn, signedInAgent, visibleText } from './support/signed-in.ts';

const insecure = { [oauth.allowInsecureRequests]: true };
const APP = {
  name: 'Key Holder',
  type: 'confidential',
  redirect_uris: 'https://keys.example/callback',
  allowed_scopes: ['openid', 'read:bookings'],
  default_scopes: ['openid'],
  logo_uri: '',
  access_token_ttl: '',
  refresh_token_ttl: '',
};

/** The developer console registers apps that authenticate by key (private_key_jwt) and that require PAR. */
describe.each(testDialects())('the developer console: keys and pushed requests (%s)', (dialect) => {
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let owner: PageAgent;
  let key: ClientKeyPair;

  beforeAll(async () => {
    ({ server, smtp, close } = await startServerWithMail({ dialect }));
    owner = await signedInAgent(server, smtp, 'keys@example.com');
    key = await clientKeyPair('ES256');
  });
  afterAll(() => close());

  const submitNew = async (fields: Record<string, string | string[]>) => {
    const form = await owner.get('/developers/apps/new');
    return owner.submit(await form.text(), { ...APP, ...fields }, '/developers/apps');
  };

  it('registers a private_key_jwt app from a pasted JWK Set: no secret, and its key works at once', async () => {
    const created = await submitNew({
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: JSON.stringify({ keys: [key.publicJwk] }),
      require_pushed_authorization_requests: 'on',
    });
    expect(created.status, await created.clone().text()).toBe(303);
    const path = created.headers.get('location')!;
    const clientId = decodeURIComponent(path.split('/').pop()!);
    const page = await owner.get(path);
    const text = visibleText(await page.text());
    expect(text).toContain('private_key_jwt: signs with its own key, no secret');
    expect(text).not.toContain('Client secret');
    expect(text).not.toContain('Rotate secret');
    expect(await server.oauth.clients.findById(clientId)).toMatchObject({
      tokenEndpointAuthMethod: 'private_key_jwt',
      jwks: { keys: [expect.objectContaining({ kid: key.kid, kty: 'EC' })] },
      requirePushedAuthorizationRequests: true,
      secretHash: null,
    });

    const issuer = new URL(server.url);
    const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
    const client = { client_id: clientId };
    const tokens = await oauth.processClientCredentialsResponse(
      as,
      client,
      await oauth.clientCredentialsGrantRequest(
        as,
        client,
        oauth.PrivateKeyJwt({ key: key.privateKey, kid: key.kid }),
        { scope: 'read:bookings' },
        insecure,
      ),
    );
    expect(tokens.access_token).toBeTruthy();
  });

  it('registers a FAPI 2.0 app (PAR and DPoP implied) and one requiring DPoP only; refuses FAPI 2.0 with a secret', async () => {
    const fapi = await submitNew({
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: JSON.stringify({ keys: [key.publicJwk] }),
      fapi2: 'on',
    });
    expect(fapi.status, await fapi.clone().text()).toBe(303);
    const fapiPath = fapi.headers.get('location')!;
    const fapiPage = await (await owner.get(fapiPath)).text();
    expect(visibleText(fapiPage)).toContain('FAPI 2.0 (pushed requests, PKCE, DPoP-bound tokens)');
    expect(fapiPage).toMatch(/name="fapi2" value="on"[^>]* checked/);
    expect(await server.oauth.clients.findById(decodeURIComponent(fapiPath.split('/').pop()!))).toMatchObject({
      fapi2: true,
      requirePushedAuthorizationRequests: true,
      dpopBoundAccessTokens: true,
    });

    const withSecret = await submitNew({ name: 'Typed name', fapi2: 'on' });
    expect(withSecret.status).toBe(400);
    expect(visibleText(await withSecret.text())).toContain(
      'A FAPI 2.0 client is confidential and authenticates with private_key_jwt.',
    );

    const dpopOnly = await submitNew({ dpop_bound_access_tokens: 'on' });
    expect(dpopOnly.status).toBe(303);
    const dpopPath = dpopOnly.headers.get('location')!;
    const dpopPage = await (await owner.get(dpopPath)).text();
    const secret = /id="client-secret"[^>]*value="(cs_[^"]+)"/.exec(dpopPage)![1]!;
    expect(dpopPage).toMatch(/name="dpop_bound_access_tokens" value="on" checked/);
    const clientId = decodeURIComponent(dpopPath.split('/').pop()!);
    expect(await server.oauth.clients.findById(clientId)).toMatchObject({ fapi2: false, dpopBoundAccessTokens: true });
    const bearer = await fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basicAuth(clientId, secret),
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'read:bookings' }),
    });
    expect(bearer.status).toBe(400);
    expect(await bearer.json()).toMatchObject({ error: 'invalid_dpop_proof' });
  });

  it('says what is wrong with the keys next to the field (400), keeping what was typed', async () => {
    const { privateKey } = await clientKeyPair('ES256');
    const privateJwk = await crypto.subtle.exportKey('jwk', privateKey);
    const cases: Array<[Record<string, string>, string]> = [
      [{ token_endpoint_auth_method: 'private_key_jwt', jwks: '{"keys": [' }, 'Paste the JWK Set as JSON'],
      [{ token_endpoint_auth_method: 'private_key_jwt' }, 'needs the client’s public keys: jwks or jwks_uri'],
      [
        { token_endpoint_auth_method: 'private_key_jwt', jwks: JSON.stringify({ keys: [privateJwk] }) },
        'holds private or symmetric key material',
      ],
      [
        {
          token_endpoint_auth_method: 'private_key_jwt',
          jwks: JSON.stringify({ keys: [key.publicJwk] }),
          jwks_uri: 'https://keys.example/jwks.json',
        },
        'not both',
      ],
      [{ token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'http://keys.example/jwks.json' }, 'must use https'],
      [{ token_endpoint_auth_method: 'magic' }, 'Choose how the app authenticates'],
    ];
    for (const [fields, message] of cases) {
      const refused = await submitNew({ name: 'Typed name', ...fields });
      expect(refused.status, JSON.stringify(fields)).toBe(400);
      const html = await refused.text();
      expect(visibleText(html), JSON.stringify(fields)).toContain(message);
      expect(html).toContain('value="Typed name"');
    }
  });

  it('an app switches from a secret to a key, but not to client_secret_jwt (its secret is only hashed)', async () => {
    const created = await submitNew({});
    const path = created.headers.get('location')!;
    const clientId = decodeURIComponent(path.split('/').pop()!);
    const edit = async (fields: Record<string, string>) =>
      owner.post(path, { csrf: csrfIn(await (await owner.get(path)).text()), ...APP, ...fields });
    const toHmac = await edit({ token_endpoint_auth_method: 'client_secret_jwt' });
    expect(toHmac.status).toBe(400);
    expect(visibleText(await toHmac.text())).toContain('cannot switch to client_secret_jwt');
    const toKey = await edit({
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: JSON.stringify({ keys: [key.publicJwk] }),
    });
    expect(toKey.status).toBe(303);
    expect(await server.oauth.clients.findById(clientId)).toMatchObject({
      tokenEndpointAuthMethod: 'private_key_jwt',
      secretHash: null,
    });
  });
});
