import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '../../kernel/crypto/tokens.ts';

/**
 * The invitee's cancel/reschedule link carries an HMAC of the booking id under the server
 * secret: nothing to store, and it can be rebuilt for every email.
 */
export class ManageLinks {
  constructor(
    private readonly secret: Buffer,
    private readonly issuer: string,
  ) {}

  token(bookingId: string): string {
    return createHmac('sha256', this.secret).update(`scheduling-manage:${bookingId}`).digest('base64url');
  }

  verify(bookingId: string, token: unknown): boolean {
    return typeof token === 'string' && constantTimeEqual(this.token(bookingId), token);
  }

  url(bookingId: string): string {
    return `${this.issuer}/booking/${encodeURIComponent(bookingId)}?token=${this.token(bookingId)}`;
  }
}
