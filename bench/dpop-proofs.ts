// DPoP proofs for the "refresh with DPoP" scenario, made before a run so that signing them does
// not take CPU from the servers under load (autocannon and the servers share this host's cores).
// Each request of the run takes the next proof: a proof is good for one request (its jti).
import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';

export interface DpopKey {
  privateKey: KeyObject;
  header: string; // base64url of {"typ":"dpop+jwt","alg":"ES256","jwk":{…}}
}

/** A P-256 key for ES256 proofs (the algorithm both servers accept by default). */
export function newDpopKey(): DpopKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { kty, crv, x, y } = publicKey.export({ format: 'jwk' });
  const header = { typ: 'dpop+jwt', alg: 'ES256', jwk: { kty, crv, x, y } };
  return { privateKey, header: Buffer.from(JSON.stringify(header)).toString('base64url') };
}

/** One proof of POST `htu`, signed now (ES256 over P-256, raw r||s as JWS wants it). */
export function dpopProof(key: DpopKey, htu: string, nonce?: string): string {
  const payload = { jti: randomUUID(), htm: 'POST', htu, iat: Math.floor(Date.now() / 1000), nonce };
  const input = `${key.header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  const signature = sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

/**
 * The server's current DPoP nonce: a client_credentials request whose proof lacks one is refused
 * with `use_dpop_nonce` and a `DPoP-Nonce` header (both servers require nonces in this bench).
 */
export async function fetchDpopNonce(tokenUrl: string, basicAuth: string, key: DpopKey): Promise<string> {
  const response = await fetch(tokenUrl, {
    method: 'POST',
    headers: {
      authorization: basicAuth,
      'content-type': 'application/x-www-form-urlencoded',
      dpop: dpopProof(key, tokenUrl),
    },
    body: 'grant_type=client_credentials',
  });
  const nonce = response.headers.get('dpop-nonce');
  if (response.status !== 400 || !nonce)
    throw new Error(`expected use_dpop_nonce from ${tokenUrl}, got ${response.status} ${await response.text()}`);
  return nonce;
}
