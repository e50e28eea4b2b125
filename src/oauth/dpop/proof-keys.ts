import { calculateJwkThumbprint, EmbeddedJWK, type JWK, type JWSHeaderParameters } from 'jose';

/** The public key of a proof, imported, with its RFC 7638 thumbprint. */
export interface ProofKey {
  key: CryptoKey;
  jkt: string;
}

const MAX_KEYS = 10_000;
const imported = new Map<string, Promise<ProofKey>>();

/**
 * The key a proof's protected header embeds, imported by jose's EmbeddedJWK (which refuses
 * private and symmetric keys and checks the JWK's `use` and `alg`). Measured on this hardware:
 * jose imports a JWK through WebCrypto for ~80 µs of CPU, as much as the signature check
 * itself, and it would do so for every proof. A client makes all its proofs with one key, so
 * the key is kept per exact protected header (its base64url text, which fixes the JWK); the map
 * is bounded and starts over when full. A header that fails to import is not kept.
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
  const [key, jkt] = await Promise.all([EmbeddedJWK(header), calculateJwkThumbprint(header.jwk, 'sha256')]);
  return { key, jkt };
}
