import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, type JWK, type JWSHeaderParameters } from 'jose';

/** The public key of a proof, imported, with its RFC 7638 thumbprint. */
export interface ProofKey {
  key: KeyObject;
  jkt: string;
}

const MAX_KEYS = 10_000;
const imported = new Map<string, Promise<ProofKey>>();

/**
 * The key a proof's protected header embeds, as a node:crypto public key. Private and
 * symmetric keys are refused, and so is a JWK whose own `use` or `alg` contradicts the proof;
 * whether the key's type fits the proof's `alg` is checked with the signature (jwt-verify.ts).
 * Importing costs as much as checking the signature, and a client makes all its proofs with
 * one key, so the key is kept per exact protected header (its base64url text, which fixes the
 * JWK); the map is bounded and starts over when full. A header that fails to import is not kept.
 */
export function proofKey(encodedHeader: string, header: JWSHeaderParameters & { jwk: JWK }): Promise<ProofKey> {
  let entry = imported.get(encodedHeader);
  if (!entry) {
    if (imported.size >= MAX_KEYS) imported.clear();
    entry = importProofKey(header);
    imported.set(encodedHeader, entry);
    entry.catch(() => imported.delete(encodedHeader));
  }
  return entry;
}

async function importProofKey(header: JWSHeaderParameters & { jwk: JWK }): Promise<ProofKey> {
  const { jwk } = header;
  if (jwk.use !== undefined && jwk.use !== 'sig') throw new Error('the jwk is not for signatures');
  if (jwk.alg !== undefined && jwk.alg !== header.alg) throw new Error('the jwk is for another algorithm');
  if (jwk.kty !== 'EC' && jwk.kty !== 'RSA' && jwk.kty !== 'OKP') throw new Error('the jwk is not a public key type');
  const key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
  return { key, jkt: await calculateJwkThumbprint(jwk, 'sha256') };
}
