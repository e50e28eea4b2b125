import type { FastifyReply, FastifyRequest } from 'fastify';
import { SecretBox } from '../../kernel/crypto/secret-box.ts';
import type { Clock } from '../../kernel/clock.ts';

const COOKIE = 'consentry_flash';
const TTL_MS = 5 * 60_000;

export type FlashKind = 'client_secret' | 'personal_token';

interface Sealed {
  kind: FlashKind;
  /** The client id or token id the value belongs to: shown only on that page. */
  subject: string;
  value: string;
  expiresAt: number;
}

/**
 * Carries a new secret across the 303 after a POST to the page that shows it, exactly once.
 * Sealed (AES-GCM under SECRET_KEY) in an HttpOnly cookie scoped to /developers: nothing is
 * kept in process memory or the database, so any node can show it, and reading it clears it.
 */
export class Flash {
  private readonly box: SecretBox;

  constructor(
    secretKey: Buffer,
    private readonly secure: boolean,
    private readonly clock: Clock,
  ) {
    this.box = new SecretBox(secretKey, 'developer-console-flash');
  }

  put(reply: FastifyReply, kind: FlashKind, subject: string, value: string): void {
    const sealed: Sealed = { kind, subject, value, expiresAt: this.clock.now() + TTL_MS };
    reply.setCookie(COOKIE, this.box.seal(JSON.stringify(sealed)), {
      path: '/developers',
      httpOnly: true,
      sameSite: 'strict',
      secure: this.secure,
      maxAge: TTL_MS / 1000,
    });
  }

  /** The value meant for this page, if any; any flash is cleared once a page looked at it. */
  take(
    request: FastifyRequest,
    reply: FastifyReply,
    kind: FlashKind,
    subject?: string,
  ): { subject: string; value: string } | undefined {
    const cookie = request.cookies[COOKIE];
    if (!cookie) return undefined;
    reply.clearCookie(COOKIE, { path: '/developers', httpOnly: true, sameSite: 'strict', secure: this.secure });
    let sealed: Sealed;
    try {
      sealed = JSON.parse(this.box.open(cookie)) as Sealed;
    } catch {
      return undefined; // tampered, or sealed under an older SECRET_KEY
    }
    if (
      sealed.kind !== kind ||
      (subject !== undefined && sealed.subject !== subject) ||
      sealed.expiresAt <= this.clock.now()
    )
      return undefined;
    return { subject: sealed.subject, value: sealed.value };
  }
}
