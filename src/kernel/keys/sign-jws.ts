import type { KeyObject } from 'node:crypto';
import { BatchSigner } from './batch-signer.ts';

const signer = new BatchSigner();

/**
 * Compact JWS with ES256 through node:crypto, off the event loop (batch-signer.ts). jose (which
 * verifies every token here) signs through WebCrypto at ~86 µs per token on this hardware
 * against ~26 µs for `crypto.sign`. ECDSA is the largest single cost of the token endpoint.
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-7.1
 */
export async function signEs256(header: JwsHeader, payload: Record<string, unknown>, key: KeyObject): Promise<string> {
  const input = `${encodedHeader(header)}.${encode(payload)}`;
  return `${input}.${await signer.sign(input, key)}`;
}

/**
 * An access token and the ID token that travels with it, signed in one trip to the worker: the
 * ID token's `at_hash` is of the signed access token, so apart they took two trips one after the
 * other (each a message both ways and an event-loop turn, on every code exchange and refresh).
 * The worker adds `at_hash` to `idPayload` (see signing-worker.js's signWithIdToken).
 */
export async function signEs256WithIdToken(
  accessHeader: JwsHeader,
  accessPayload: Record<string, unknown>,
  idHeader: JwsHeader,
  idPayload: Record<string, unknown>,
  key: KeyObject,
): Promise<{ accessToken: string; idToken: string }> {
  const input = `${encodedHeader(accessHeader)}.${encode(accessPayload)}`;
  // The claims' JSON always ends in "}" (an object with at least `iss`): opened again for at_hash.
  const idPayloadOpen = `${JSON.stringify(idPayload).slice(0, -1)},"at_hash":"`;
  const [signature, idToken] = await signer.signWithIdToken(input, encodedHeader(idHeader), idPayloadOpen, key);
  return { accessToken: `${input}.${signature}`, idToken };
}

/** The protected header of the tokens signed here: the same few per key and token type. */
export interface JwsHeader {
  alg: 'ES256';
  typ: string;
  kid: string;
}

/** Encoded headers by type and key: a header is the same for every token of a kind. */
const headers = new Map<string, string>();
const MAX_HEADERS = 64;

function encodedHeader({ alg, typ, kid }: JwsHeader): string {
  const cacheKey = `${typ} ${kid}`;
  let encoded = headers.get(cacheKey);
  if (encoded === undefined) {
    encoded = encode({ alg, typ, kid });
    if (headers.size >= MAX_HEADERS) headers.clear(); // keys rotate; old ones stop signing
    headers.set(cacheKey, encoded);
  }
  return encoded;
}

function encode(value: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/**
 * Whether a JWS signature (base64url) of `signingInput` verifies with `key` under `alg`,
 * checked on the signing worker with its batch (see BatchSigner.verify).
 */
export function checkJwsSignature(
  alg: string,
  signingInput: string,
  signature: string,
  key: KeyObject,
): Promise<boolean> {
  return signer.verify(alg, signingInput, signature, key);
}
