import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oauth from 'oauth4webapi';
import { testDialects } from '../../helpers/database.ts';
import { startServerWithMail, type SmtpCapture } from '../../helpers/oauth-server.ts';
import type { TestServer } from '../../helpers/server.ts';
import { discover, insecure, jwtClaims, retryingNonce } from '../dpop/support.ts';
import { authorizeWithPar, redeemCode, registerFapiClient, type FapiRp } from './support.ts';

/**
 * A FAPI 2.0 client end to end, driven by oauth4webapi: registered through DCR with `fapi2`,
 * it pushes its request with private_key_jwt and a DPoP proof, gets a code for PKCE S256 (with
 * `iss`), redeems it for DPoP-bound tokens, calls UserInfo and the Platform API with DPoP, and
 * refreshes with the same DPoP key — its refresh tokens are bound to it.
 */
describe.each(testDialects())('a FAPI 2.0 client with oauth4webapi (%s)', (dialect) => {
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let as: oauth.AuthorizationServer;
  let rp: FapiRp & { registration: Record<string, unknown> };

  beforeAll(async () => {
    ({ server, smtp, close } = await startServerWithMail({ dialect }));
    as = await discover(server);
    rp = await registerFapiClient(server);
  });
  afterAll(() => close());

  it('registers with what FAPI 2.0 implies: PAR and DPoP-bound tokens, both reported', () => {
    expect(rp.registration).toMatchObject({
      fapi2: true,
      token_endpoint_auth_method: 'private_key_jwt',
      require_pushed_authorization_requests: true,
      dpop_bound_access_tokens: true,
    });
    expect(as.authorization_response_iss_parameter_supported).toBe(true);
  });

  it('PAR + private_key_jwt + DPoP + PKCE → code → DPoP-bound tokens → UserInfo and the Platform API → refresh bound to the key', async () => {
    const email = `fapi-${dialect}@example.com`;
    const { params, verifier, nonce, callback } = await authorizeWithPar(
      server,
      smtp,
      as,
      rp,
      'openid email offline_access read:assets',
      email,
    );
    expect(callback.searchParams.get('iss')).toBe(server.url);
    const tokens = await redeemCode(as, rp, params, verifier, nonce);
    expect(tokens.token_type).toBe('dpop');
    const jkt = await rp.dpop.calculateThumbprint();
    expect(jwtClaims(tokens.access_token).cnf).toEqual({ jkt });
    const idToken = oauth.getValidatedIdTokenClaims(tokens)!;
    expect(idToken.sid).toEqual(expect.any(String));

    const userinfo = await oauth.processUserInfoResponse(
      as,
      rp.client,
      idToken.sub,
      await oauth.userInfoRequest(as, rp.client, tokens.access_token, { DPoP: rp.dpop, ...insecure }),
    );
    expect(userinfo.email).toBe(email);
    const assets = await oauth.protectedResourceRequest(
      tokens.access_token,
      'GET',
      new URL(`${server.url}/platform/v2/providers/catalog`),
      new Headers(),
      null,
      { DPoP: rp.dpop, ...insecure },
    );
    expect(assets.status).toBe(200);

    const introspected = await (
      await oauth.introspectionRequest(as, rp.client, rp.auth, tokens.refresh_token!, insecure)
    ).json();
    expect(introspected).toMatchObject({ active: true, cnf: { jkt } });

    const refreshed = await retryingNonce(async () =>
      oauth.processRefreshTokenResponse(
        as,
        rp.client,
        await oauth.refreshTokenGrantRequest(as, rp.client, rp.auth, tokens.refresh_token!, {
          DPoP: rp.dpop,
          ...insecure,
        }),
      ),
    );
    expect(refreshed.token_type).toBe('dpop');
    expect(jwtClaims(refreshed.access_token).cnf).toEqual({ jkt });
    // The ID token issued at the refresh names the same sign-in session.
    expect(oauth.getValidatedIdTokenClaims(refreshed)!.sid).toBe(idToken.sid);

    // Another DPoP key cannot use the (bound) refresh token, even with the client's own assertion.
    const otherKey = oauth.DPoP(rp.client, await oauth.generateKeyPair('ES256'));
    const stolen = await retryingNonce(async () =>
      oauth.processRefreshTokenResponse(
        as,
        rp.client,
        await oauth.refreshTokenGrantRequest(as, rp.client, rp.auth, refreshed.refresh_token!, {
          DPoP: otherKey,
          ...insecure,
        }),
      ),
    ).catch((error: unknown) => error);
    expect(stolen).toBeInstanceOf(oauth.ResponseBodyError);
    expect((stolen as oauth.ResponseBodyError).error).toBe('invalid_grant');
  });

  it('refuses its DPoP-bound access token presented as a Bearer token', async () => {
    const tokens = await retryingNonce(async () =>
      oauth.processClientCredentialsResponse(
        as,
        rp.client,
        await oauth.clientCredentialsGrantRequest(
          as,
          rp.client,
          rp.auth,
          { scope: 'read:bookings' },
          {
            DPoP: rp.dpop,
            ...insecure,
          },
        ),
      ),
    );
    expect(tokens.token_type).toBe('dpop');
    const asBearer = await fetch(`${server.url}/api/v2/event-types`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(asBearer.status).toBe(401);
    expect(asBearer.headers.get('www-authenticate')).toMatch(/^DPoP error="invalid_token"/);
    const userinfo = await fetch(`${server.url}/oauth/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(userinfo.status).toBe(401);
  });
});
