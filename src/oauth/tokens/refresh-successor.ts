import { createHmac, hkdfSync } from 'node:crypto';
import { orderedToken } from '../../kernel/crypto/tokens.ts';

/**
 * A rotation's successor refresh token is derived rather than drawn: an HMAC of the rotated
 * token's row id and of the token itself, behind the rotation time like any ordered token. A
 * replay inside the grace window presents that same rotated token, so it finds the same successor
 * again, and nothing of the answer needs keeping: a sealed copy of every refresh response, written
 * with the rotation, was a fifth of a refresh's CPU. Deriving takes the presented token, the key
 * (from SECRET_KEY) and the row id in the database; none of them alone gives anything away.
 */
export class RefreshSuccessors {
  private readonly key: Buffer;

  constructor(secretKey: Buffer) {
    this.key = Buffer.from(hkdfSync('sha256', secretKey, Buffer.alloc(0), 'consentry:refresh-successors', 32));
  }

  /** The successor of `presented` (stored as row `rotatedId`), rotated at `rotatedAtMs`. */
  derive(presented: string, rotatedId: string, rotatedAtMs: number): string {
    const mac = createHmac('sha256', this.key).update(`${rotatedId}\n${presented}`).digest('base64url');
    return orderedToken('rt_', rotatedAtMs, mac);
  }
}
