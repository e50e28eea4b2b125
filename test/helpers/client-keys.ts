import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

/** A client's signing key pair: the private CryptoKey to sign with, its public JWK to register. */
export interface ClientKeyPair {
  alg: string;
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function clientKeyPair(
  alg: 'ES256' | 'PS256' | 'EdDSA' | 'Ed25519' | 'RS256' = 'ES256',
): Promise<ClientKeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const kid = `k-${randomBytes(6).toString('hex')}`;
  return { alg, kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** A client assertion (RFC 7523) with sensible defaults that each negative test bends one way. */
export async function signAssertion(
  key: { privateKey: CryptoKey | Uint8Array; alg: string; kid?: string },
  clientId: string,
  audience: unknown,
  overrides: { header?: Record<string, unknown>; claims?: JWTPayload; omit?: string[] } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims: JWTPayload = {
    iss: clientId,
    sub: clientId,
    aud: audience as string,
    jti: randomBytes(16).toString('base64url'),
    iat: now,
    exp: now + 60,
    ...overrides.claims,
  };
  for (const name of overrides.omit ?? []) delete claims[name];
  return new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, ...(key.kid ? { kid: key.kid } : {}), ...overrides.header })
    .sign(key.privateKey);
}

/** An unsigned JWT (alg none), which no server may accept. */
export function unsignedJwt(claims: JWTPayload): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none' })}.${part(claims)}.`;
}

/** A client's jwks_uri on 127.0.0.1: serves whatever keys the test sets, and counts the fetches. */
export interface JwksServer {
  url: string;
  fetches: number;
  setKeys(keys: JWK[]): void;
  /** Answer 500 from now on (a client host in trouble). */
  fail(): void;
  close(): Promise<void>;
}

export async function startJwksServer(keys: JWK[]): Promise<JwksServer> {
  let current = keys;
  let failing = false;
  const state = { fetches: 0 };
  const server: Server = createServer((request, response) => {
    state.fetches++;
    if (failing) {
      response.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"down"}');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(JSON.stringify({ keys: current }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/jwks.json`,
    get fetches() {
      return state.fetches;
    },
    setKeys: (next) => void (current = next),
    fail: () => void (failing = true),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
