import * as oauth from 'oauth4webapi';
import { expect } from 'vitest';
import { PageAgent } from '../../helpers/browser.ts';
import { clientKeyPair, type ClientKeyPair } from '../../helpers/client-keys.ts';
import { approveInBrowser } from '../../helpers/oauth-flow.ts';
import type { SmtpCapture } from '../../helpers/oauth-server.ts';
import type { TestServer } from '../../helpers/server.ts';
import { insecure, retryingNonce } from '../dpop/support.ts';

export const REDIRECT_URI = 'https://fapi-rp.example/cb';

/** POSTs client metadata to /oauth/register (RFC 7591) and answers the status and JSON. */
export async function register(server: TestServer, metadata: Record<string, unknown>) {
  const response = await fetch(`${server.url}/oauth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(metadata),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** A relying party held to FAPI 2.0: its signing key (private_key_jwt) and its DPoP key, as oauth4webapi uses them. */
export interface FapiRp {
  client: oauth.Client;
  key: ClientKeyPair;
  auth: oauth.ClientAuth;
  dpop: oauth.DPoPHandle;
  /** The DPoP key pair behind `dpop`, to make another handle with the same key. */
  dpopKeys: CryptoKeyPair;
}

/** Registers a FAPI 2.0 client through DCR, as a third party would, with `metadata` added to sensible defaults. */
export async function registerFapiClient(
  server: TestServer,
  metadata: Record<string, unknown> = {},
  alg: 'ES256' | 'PS256' = 'ES256',
): Promise<FapiRp & { registration: Record<string, unknown> }> {
  const key = await clientKeyPair(alg);
  const registered = await register(server, {
    client_name: 'Ledger Reader (FAPI 2.0)',
    redirect_uris: [REDIRECT_URI],
    grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
    token_endpoint_auth_method: 'private_key_jwt',
    jwks: { keys: [key.publicJwk] },
    scope: 'openid email offline_access read:assets read:providers read:bookings',
    fapi2: true,
    ...metadata,
  });
  expect(registered.status, JSON.stringify(registered.json)).toBe(201);
  const client: oauth.Client = { client_id: registered.json.client_id as string };
  const dpopKeys = await oauth.generateKeyPair('ES256');
  return {
    registration: registered.json,
    client,
    key,
    auth: oauth.PrivateKeyJwt({ key: key.privateKey, kid: key.kid }),
    dpop: oauth.DPoP(client, dpopKeys),
    dpopKeys,
  };
}

/** Pushes an authorization request (RFC 9126) with the client's key and, by default, its DPoP key. */
export async function push(
  as: oauth.AuthorizationServer,
  rp: FapiRp,
  params: Record<string, string>,
  withDpop = true,
): Promise<oauth.PushedAuthorizationResponse> {
  return retryingNonce(async () =>
    oauth.processPushedAuthorizationResponse(
      as,
      rp.client,
      await oauth.pushedAuthorizationRequest(as, rp.client, rp.auth, params, {
        ...(withDpop ? { DPoP: rp.dpop } : {}),
        ...insecure,
      }),
    ),
  );
}

/**
 * The whole front channel of a FAPI 2.0 client: PKCE S256, a pushed request (with a DPoP proof,
 * which binds the code to the DPoP key), the person signing in and consenting in the "browser",
 * and the validated authorization response.
 */
export async function authorizeWithPar(
  server: TestServer,
  smtp: SmtpCapture,
  as: oauth.AuthorizationServer,
  rp: FapiRp,
  scope: string,
  email: string,
): Promise<{ params: URLSearchParams; verifier: string; nonce: string; callback: URL }> {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const pushed = await push(as, rp, {
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    scope,
    state,
    nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  const url = new URL(as.authorization_endpoint!);
  url.search = new URLSearchParams({ client_id: rp.client.client_id, request_uri: pushed.request_uri }).toString();
  const callback = await approveInBrowser(server, new PageAgent(server.url), smtp, url.toString(), email);
  // oauth4webapi checks `iss` (RFC 9207) since discovery says it is always sent.
  return { params: oauth.validateAuthResponse(as, rp.client, callback, state), verifier, nonce, callback };
}

/** The code grant with private_key_jwt and DPoP, retried once for the server's nonce. */
export function redeemCode(
  as: oauth.AuthorizationServer,
  rp: FapiRp,
  params: URLSearchParams,
  verifier: string,
  nonce?: string,
): Promise<oauth.TokenEndpointResponse> {
  return retryingNonce(async () =>
    oauth.processAuthorizationCodeResponse(
      as,
      rp.client,
      await oauth.authorizationCodeGrantRequest(as, rp.client, rp.auth, params, REDIRECT_URI, verifier, {
        DPoP: rp.dpop,
        ...insecure,
      }),
      nonce ? { expectedNonce: nonce, requireIdToken: true } : undefined,
    ),
  );
}
