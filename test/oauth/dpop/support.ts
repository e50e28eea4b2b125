import { createHash, randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import * as oauth from 'oauth4webapi';
import { PageAgent } from '../../helpers/browser.ts';
import type { TestClient } from '../../helpers/clients.ts';
import { authorizeThroughPages } from '../../helpers/oauth-flow.ts';
import type { SmtpCapture } from '../../helpers/oauth-server.ts';
import type { TestServer } from '../../helpers/server.ts';

export const insecure = { [oauth.allowInsecureRequests]: true } as const;

/** The server's metadata, as oauth4webapi reads and validates it. */
export async function discover(server: TestServer): Promise<oauth.AuthorizationServer> {
  const issuer = new URL(server.url);
  return oauth.processDiscoveryResponse(
    issuer,
    await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure }),
  );
}

/**
 * One attempt again after a `use_dpop_nonce` refusal (RFC 9449 §8): oauth4webapi's DPoP handle
 * caches the nonce the refusal carried, so the second proof has it.
 */
export async function retryingNonce<T>(attempt: () => Promise<T>): Promise<T> {
  try {
    return await attempt();
  } catch (error) {
    if (oauth.isDPoPNonceError(error)) return attempt();
    throw error;
  }
}

/** Signs a person in through the pages and consents; answers the authorization response parameters. */
export async function authorizeCode(
  server: TestServer,
  smtp: SmtpCapture,
  client: TestClient,
  params: Record<string, string | string[]>,
  email: string,
): Promise<{ callback: URL; verifier: string }> {
  const { redirect, verifier } = await authorizeThroughPages(server, new PageAgent(server.url), smtp, client, {
    email,
    params,
  });
  return { callback: redirect, verifier };
}

/** A DPoP key pair of the test's own making, with its public JWK and RFC 7638 thumbprint. */
export interface TestKey {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  jwk: JWK;
  jkt: string;
}

export async function newTestKey(alg = 'ES256'): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(publicKey);
  return { privateKey, publicKey, jwk, jkt: await calculateJwkThumbprint(jwk) };
}

export interface ProofOptions {
  htm: string;
  htu: string;
  accessToken?: string;
  nonce?: string;
  /** Seconds since the epoch; default now. */
  iat?: number;
  jti?: string;
  /** Replaces the `jwk` header (e.g. with private key material). */
  jwk?: JWK;
  typ?: string;
}

/** A DPoP proof JWT made by hand with jose, so a test controls every claim a client library would set right. */
export async function proofFor(key: TestKey, options: ProofOptions, alg = 'ES256'): Promise<string> {
  const payload: Record<string, unknown> = {
    htm: options.htm,
    htu: options.htu,
    jti: options.jti ?? randomUUID(),
    iat: options.iat ?? Math.floor(Date.now() / 1000),
  };
  if (options.nonce !== undefined) payload.nonce = options.nonce;
  if (options.accessToken !== undefined)
    payload.ath = createHash('sha256').update(options.accessToken).digest('base64url');
  return new SignJWT(payload)
    .setProtectedHeader({ alg, typ: options.typ ?? 'dpop+jwt', jwk: options.jwk ?? key.jwk })
    .sign(key.privateKey);
}

/** The current server nonce: the refusal of a proof without one carries it (RFC 9449 §8). */
export async function currentNonce(server: TestServer, key: TestKey, form: Record<string, string>): Promise<string> {
  const response = await fetch(`${server.url}/oauth/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      dpop: await proofFor(key, { htm: 'POST', htu: `${server.url}/oauth/token` }),
    },
    body: new URLSearchParams(form),
  });
  const nonce = response.headers.get('dpop-nonce');
  if (response.status !== 400 || !nonce) throw new Error(`expected a use_dpop_nonce refusal, got ${response.status}`);
  return nonce;
}

/** The claims of a JWT, unverified (the test reads what the server put in its own token). */
export function jwtClaims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
}
