/**
 * Remembers the DPoP proofs already used (RFC 9449 §11.1) until they could no longer pass the
 * `iat` window anyway. Every node that may see a proof must share it, or a proof replayed to
 * another node would pass there.
 */
export interface ProofReplayCache {
  /** True the first time `key` is seen; false when it was seen before and has not expired. */
  firstUse(key: string, expiresAt: number): Promise<boolean>;
  close(): Promise<void>;
}
