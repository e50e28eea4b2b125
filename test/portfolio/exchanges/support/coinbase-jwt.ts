import { generateKeyPairSync, verify, type KeyObject } from 'node:crypto';

/** A CDP API key as Coinbase issues it: the key name, and the secret the person pastes. */
export interface CdpKey {
  name: string;
  /** ECDSA: the P-256 private key in SEC1 PEM; Ed25519: base64 of seed ‖ public key (64 bytes). */
  secret: string;
  publicKey: KeyObject;
  algorithm: 'ES256' | 'EdDSA';
}

export function createCdpKey(name: string, algorithm: 'ES256' | 'EdDSA' = 'ES256'): CdpKey {
  if (algorithm === 'ES256') {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    return { name, secret: privateKey.export({ type: 'sec1', format: 'pem' }) as string, publicKey, algorithm };
  }
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  return { name, secret: Buffer.concat([seed, raw]).toString('base64'), publicKey, algorithm };
}

export type JwtRejection = 'missing' | 'malformed' | 'unknown_key' | 'bad_signature' | 'expired' | 'wrong_uri';

export interface JwtRequest {
  authorization: string | undefined;
  method: string;
  /** The Host header: the JWT's `uri` names the host the client signed for. */
  host: string;
  path: string;
  nowSeconds: number;
}

/**
 * Verifies a CDP JWT the way Coinbase does: `Bearer <JWT>`, header `alg` (ES256 or EdDSA),
 * `kid` = key name and a `nonce`; claims `sub` = key name, `iss` "cdp" (ccxt still sends the
 * older "coinbase-cloud", which Coinbase accepts), `nbf` ≤ now < `exp`, `exp` − `nbf` ≤ 120 s,
 * and `uri` (ES256) / `uris` (EdDSA) = "METHOD host/path" without the query. ccxt only strips
 * `https://` from the URL it signs, so against a plain-http stand-in its uri reads
 * "GET http://127.0.0.1:port/path"; that spelling of the same host and path is accepted too.
 * @see https://docs.cdp.coinbase.com/coinbase-app/authentication-authorization/api-key-authentication
 */
export function verifyCdpJwt(
  request: JwtRequest,
  keys: Map<string, CdpKey>,
): { key: CdpKey } | { rejected: JwtRejection } {
  const token = /^Bearer (\S+)$/.exec(request.authorization ?? '')?.[1];
  if (!token) return { rejected: 'missing' };
  const parts = token.split('.');
  if (parts.length !== 3) return { rejected: 'malformed' };
  const header = decodePart(parts[0]!);
  const claims = decodePart(parts[1]!);
  if (!header || !claims || typeof header['kid'] !== 'string' || typeof header['nonce'] !== 'string')
    return { rejected: 'malformed' };
  const key = keys.get(header['kid']);
  if (!key || claims['sub'] !== key.name) return { rejected: 'unknown_key' };
  if (header['alg'] !== key.algorithm || !['cdp', 'coinbase-cloud'].includes(claims['iss'] as string))
    return { rejected: 'malformed' };
  const signature = Buffer.from(parts[2]!, 'base64url');
  const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
  const valid =
    key.algorithm === 'ES256'
      ? signature.length === 64 &&
        verify('sha256', signed, { key: key.publicKey, dsaEncoding: 'ieee-p1363' }, signature)
      : verify(null, signed, key.publicKey, signature);
  if (!valid) return { rejected: 'bad_signature' };
  const nbf = claims['nbf'];
  const exp = claims['exp'];
  if (typeof nbf !== 'number' || typeof exp !== 'number' || exp - nbf > 120) return { rejected: 'malformed' };
  if (request.nowSeconds < nbf || request.nowSeconds >= exp) return { rejected: 'expired' };
  const uris = key.algorithm === 'ES256' ? [claims['uri']] : ((claims['uris'] as unknown[] | undefined) ?? []);
  const expected = [
    `${request.method} ${request.host}${request.path}`,
    `${request.method} http://${request.host}${request.path}`,
  ];
  if (!uris.some((uri) => expected.includes(uri as string))) return { rejected: 'wrong_uri' };
  return { key };
}

function decodePart(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString());
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
