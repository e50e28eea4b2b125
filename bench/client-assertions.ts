// Client assertions (RFC 7523, private_key_jwt) for the bench, signed ahead of a run: each carries
// its own jti, and both servers refuse a replay, so every request needs a fresh one.
import { randomBytes, sign, type KeyObject } from 'node:crypto';

/** A client that authenticates with private_key_jwt (ES256), and the audience its server wants. */
export interface KeyClient {
  clientId: string;
  privateKey: KeyObject;
  kid: string;
  /** The server's issuer identifier (draft-ietf-oauth-rfc7523bis: the one aud both servers take). */
  audience: string;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** One ES256 assertion, valid `lifetimeSeconds` (Consentry takes at most 300). */
export function signClientAssertion(client: KeyClient, lifetimeSeconds = 240): string {
  const now = Math.floor(Date.now() / 1000);
  const input = `${b64({ alg: 'ES256', kid: client.kid, typ: 'client-authentication+jwt' })}.${b64({
    iss: client.clientId,
    sub: client.clientId,
    aud: client.audience,
    jti: randomBytes(16).toString('base64url'),
    iat: now,
    exp: now + lifetimeSeconds,
  })}`;
  const signature = sign('sha256', Buffer.from(input), { key: client.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

/** `n` request bodies for client_credentials, each with its own assertion. */
export function clientCredentialsBodies(client: KeyClient, n: number, scope?: string): string[] {
  const bodies: string[] = [];
  for (let i = 0; i < n; i++)
    bodies.push(
      new URLSearchParams({
        grant_type: 'client_credentials',
        ...(scope ? { scope } : {}),
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: signClientAssertion(client),
      }).toString(),
    );
  return bodies;
}
