import { createHash } from 'node:crypto';
import type { Clock } from '../../kernel/clock.ts';
import type { DpopNonces } from './dpop-nonces.ts';
import { InvalidDpopProofError, verifyDpopProof, type ProofExpectation, type VerifiedProof } from './dpop-proof.ts';
import type { ProofReplayCache } from './replay-cache.ts';

/** A refused proof with its RFC 9449 error code: the caller renders it for its own endpoint. */
export class DpopRejection extends Error {
  constructor(
    readonly code: 'invalid_dpop_proof' | 'use_dpop_nonce',
    description: string,
  ) {
    super(description);
  }
}

export interface DpopVerifierOptions {
  clock: Clock;
  nonces: DpopNonces;
  replays: ProofReplayCache;
  iatWindowSeconds: number;
}

/**
 * The whole check of a request's DPoP proof: the proof itself (dpop-proof.ts), then the server
 * nonce when the endpoint requires one, then — last, so only proofs that passed everything are
 * remembered — that its `jti` was not seen before from the same key.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.3
 */
export class DpopVerifier {
  constructor(private readonly options: DpopVerifierOptions) {}

  /** The nonce to hand out now (`DPoP-Nonce`). */
  currentNonce(): string {
    return this.options.nonces.current(this.options.clock.now());
  }

  /** Verifies the `DPoP` header of a request; throws DpopRejection. */
  async verify(
    header: string | string[] | undefined,
    expected: ProofExpectation,
    nonceRequired: boolean,
  ): Promise<VerifiedProof> {
    const proof = singleProof(header);
    const nowMs = this.options.clock.now();
    let verified: VerifiedProof;
    try {
      verified = await verifyDpopProof(proof, expected, { nowMs, iatWindowSeconds: this.options.iatWindowSeconds });
    } catch (error) {
      if (error instanceof InvalidDpopProofError) throw new DpopRejection('invalid_dpop_proof', error.message);
      throw error;
    }
    if (nonceRequired && (verified.nonce === undefined || !this.options.nonces.accepts(verified.nonce, nowMs)))
      throw new DpopRejection(
        'use_dpop_nonce',
        verified.nonce === undefined
          ? 'this server requires a nonce in DPoP proofs: use the DPoP-Nonce it sent'
          : 'the DPoP proof carries an expired nonce: use the DPoP-Nonce it sent',
      );
    // Keyed by key and jti: one client cannot block another's jti; the entry outlives the window,
    // in whole milliseconds (`iat` may be any JSON number; the database column is an integer).
    const key = createHash('sha256').update(`${verified.jkt}.${verified.jti}`).digest('base64url');
    const expiresAt = Math.ceil((verified.iat + this.options.iatWindowSeconds + 1) * 1000);
    if (!(await this.options.replays.firstUse(key, expiresAt)))
      throw new DpopRejection('invalid_dpop_proof', 'the DPoP proof was already used (its jti was seen before)');
    return verified;
  }
}

/** Exactly one `DPoP` header (RFC 9449 §4.3 step 1); Node joins repeated ones with ", ". */
function singleProof(header: string | string[] | undefined): string {
  if (header === undefined || header === '') throw new DpopRejection('invalid_dpop_proof', 'the DPoP proof is missing');
  if (Array.isArray(header) || header.includes(','))
    throw new DpopRejection('invalid_dpop_proof', 'the request must carry exactly one DPoP header');
  return header.trim();
}
