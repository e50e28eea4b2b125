import { createHmac } from 'node:crypto';

/**
 * Server nonces for DPoP proofs (RFC 9449 §8) without storage: the nonce of a time slot is an
 * HMAC of the slot's number under a key derived from SECRET_KEY, so every node computes the
 * same nonce. The current slot's nonce is handed out; the previous slot's is still accepted, so
 * a nonce lives one to two periods and a client that just learnt one is not refused at once.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-8
 */
export class DpopNonces {
  private readonly key: Buffer;
  private cached: { slot: number; current: string; previous: string } | undefined;

  constructor(
    secretKey: Buffer,
    private readonly periodMs: number,
  ) {
    this.key = createHmac('sha256', secretKey).update('consentry dpop nonces').digest();
  }

  /** The nonce to hand out now (`DPoP-Nonce`). */
  current(nowMs: number): string {
    return this.slots(nowMs).current;
  }

  /** Whether a proof's nonce is this slot's or the previous one's. */
  accepts(nonce: string, nowMs: number): boolean {
    const { current, previous } = this.slots(nowMs);
    return nonce === current || nonce === previous;
  }

  private slots(nowMs: number): { current: string; previous: string } {
    const slot = Math.floor(nowMs / this.periodMs);
    if (this.cached?.slot !== slot)
      this.cached = { slot, current: this.nonceOf(slot), previous: this.nonceOf(slot - 1) };
    return this.cached;
  }

  private nonceOf(slot: number): string {
    return createHmac('sha256', this.key).update(String(slot)).digest().subarray(0, 18).toString('base64url');
  }
}
