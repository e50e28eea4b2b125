import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oauth from 'oauth4webapi';
import { PageAgent } from '../../helpers/browser.ts';
import { createTestClient, type TestClient } from '../../helpers/clients.ts';
import { testDialects } from '../../helpers/database.ts';
import { approveInBrowser, pkcePair } from '../../helpers/oauth-flow.ts';
import { startServerWithMail, type SmtpCapture } from '../../helpers/oauth-server.ts';
import type { TestServer } from '../../helpers/server.ts';
import { authorizeCode, discover, insecure, jwtClaims, retryingNonce } from './support.ts';

/**
 * RFC 9449 §10: the `dpop_jkt` authorization request parameter binds the code to a DPoP key, at
 * /oauth/authorize and through PAR; a DPoP proof sent to PAR binds it the same way (§10.1). Only
 * a token request whose proof is made by that key redeems the code, and a refusal leaves the
 * code usable by its rightful holder.
 */
describe.each(testDialects())('dpop_jkt: codes bound to a DPoP key (%s)', (dialect) => {
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let as: oauth.AuthorizationServer;
  let publicClient: TestClient;
  let confidential: TestClient;

  beforeAll(async () => {
    ({ server, smtp, close } = await startServerWithMail({ dialect }));
    as = await discover(server);
    publicClient = await createTestClient(server, {
      type: 'public',
      redirectUris: ['http://127.0.0.1/callback'],
      allowedScopes: ['openid', 'read:bookings'],
    });
    confidential = await createTestClient(server, {
      redirectUris: ['https://rp.example/cb'],
      allowedScopes: ['openid', 'read:bookings'],
    });
  });
  afterAll(() => close());

  /** Redeems a code with oauth4webapi; answers the tokens or the error it threw. */
  const redeem = async (
    client: TestClient,
    auth: oauth.ClientAuth,
    callback: URL,
    verifier: string,
    dpop?: oauth.DPoPHandle,
  ): Promise<oauth.TokenEndpointResponse | oauth.ResponseBodyError> => {
    const rp: oauth.Client = { client_id: client.id };
    const params = oauth.validateAuthResponse(as, rp, callback, oauth.skipStateCheck);
    return retryingNonce(async () =>
      oauth.processAuthorizationCodeResponse(
        as,
        rp,
        await oauth.authorizationCodeGrantRequest(as, rp, auth, params, client.redirectUri, verifier, {
          ...(dpop ? { DPoP: dpop } : {}),
          ...insecure,
        }),
      ),
    ).catch((error: unknown) => {
      if (error instanceof oauth.ResponseBodyError) return error;
      throw error;
    });
  };

  it('at /oauth/authorize: another key or no proof is refused (invalid_grant), the bound key redeems the code', async () => {
    const rp: oauth.Client = { client_id: publicClient.id };
    const bound = oauth.DPoP(rp, await oauth.generateKeyPair('ES256'));
    const other = oauth.DPoP(rp, await oauth.generateKeyPair('ES256'));
    const jkt = await bound.calculateThumbprint();
    const { callback, verifier } = await authorizeCode(
      server,
      smtp,
      publicClient,
      { scope: 'openid read:bookings', dpop_jkt: jkt },
      `jkt-${dialect}@example.com`,
    );
    const none = oauth.None();
    expect(await redeem(publicClient, none, callback, verifier, other)).toMatchObject({
      error: 'invalid_grant',
      cause: { error_description: 'the authorization code is bound to another DPoP key (dpop_jkt)' },
    });
    expect(await redeem(publicClient, none, callback, verifier)).toMatchObject({
      error: 'invalid_grant',
      cause: {
        error_description: 'the authorization code is bound to a DPoP key (dpop_jkt): send a proof made with it',
      },
    });
    const tokens = (await redeem(publicClient, none, callback, verifier, bound)) as oauth.TokenEndpointResponse;
    expect(tokens.token_type).toBe('dpop');
    expect(jwtClaims(tokens.access_token).cnf).toEqual({ jkt });
  });

  it('refuses a malformed dpop_jkt with invalid_request at the redirect URI', async () => {
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: publicClient.id,
      redirect_uri: publicClient.redirectUri,
      code_challenge: pkcePair().challenge,
      code_challenge_method: 'S256',
      state: 'st-jkt',
      dpop_jkt: 'not-a-thumbprint',
    });
    const response = await new PageAgent(server.url).get(`/oauth/authorize?${query}`);
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toContain('dpop_jkt must be');
    expect(location.searchParams.get('iss')).toBe(server.url);
  });

  describe('through PAR', () => {
    const auth = () => oauth.ClientSecretBasic(confidential.secret!);
    const pushAndApprove = async (
      params: Record<string, string>,
      dpop: oauth.DPoPHandle | undefined,
      email: string,
    ): Promise<{ callback: URL; verifier: string }> => {
      const rp: oauth.Client = { client_id: confidential.id };
      const { verifier, challenge } = pkcePair();
      const pushed = await retryingNonce(async () =>
        oauth.processPushedAuthorizationResponse(
          as,
          rp,
          await oauth.pushedAuthorizationRequest(
            as,
            rp,
            auth(),
            {
              response_type: 'code',
              redirect_uri: confidential.redirectUri,
              scope: 'openid read:bookings',
              code_challenge: challenge,
              code_challenge_method: 'S256',
              ...params,
            },
            { ...(dpop ? { DPoP: dpop } : {}), ...insecure },
          ),
        ),
      );
      const url = `/oauth/authorize?${new URLSearchParams({ client_id: confidential.id, request_uri: pushed.request_uri })}`;
      return { callback: await approveInBrowser(server, new PageAgent(server.url), smtp, url, email), verifier };
    };

    it('dpop_jkt pushed as a parameter binds the code', async () => {
      const rp: oauth.Client = { client_id: confidential.id };
      const bound = oauth.DPoP(rp, await oauth.generateKeyPair('ES256'));
      const other = oauth.DPoP(rp, await oauth.generateKeyPair('ES256'));
      const { callback, verifier } = await pushAndApprove(
        { dpop_jkt: await bound.calculateThumbprint() },
        undefined,
        `par-jkt-${dialect}@example.com`,
      );
      expect(await redeem(confidential, auth(), callback, verifier, other)).toMatchObject({ error: 'invalid_grant' });
      expect(await redeem(confidential, auth(), callback, verifier, bound)).toMatchObject({ token_type: 'dpop' });
    });

    it('a DPoP proof sent to PAR binds the code to its key (RFC 9449 §10.1)', async () => {
      const rp: oauth.Client = { client_id: confidential.id };
      const bound = oauth.DPoP(rp, await oauth.generateKeyPair('ES256'));
      const other = oauth.DPoP(rp, await oauth.generateKeyPair('ES256'));
      const { callback, verifier } = await pushAndApprove({}, bound, `par-proof-${dialect}@example.com`);
      expect(await redeem(confidential, auth(), callback, verifier, other)).toMatchObject({ error: 'invalid_grant' });
      expect(await redeem(confidential, auth(), callback, verifier)).toMatchObject({ error: 'invalid_grant' });
      expect(await redeem(confidential, auth(), callback, verifier, bound)).toMatchObject({ token_type: 'dpop' });
    });

    it('refuses a pushed dpop_jkt that is not the thumbprint of the proof sent with it (invalid_dpop_proof)', async () => {
      const rp: oauth.Client = { client_id: confidential.id };
      const proofKey = oauth.DPoP(rp, await oauth.generateKeyPair('ES256'));
      const other = oauth.DPoP(rp, await oauth.generateKeyPair('ES256'));
      const refused = await pushAndApprove(
        { dpop_jkt: await other.calculateThumbprint() },
        proofKey,
        `par-mismatch-${dialect}@example.com`,
      ).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(oauth.ResponseBodyError);
      expect(refused).toMatchObject({
        status: 400,
        error: 'invalid_dpop_proof',
        cause: { error_description: 'dpop_jkt is not the thumbprint of the DPoP proof’s key' },
      });
    });
  });
});
