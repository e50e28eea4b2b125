import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { constantTimeEqual } from '../kernel/crypto/tokens.ts';

const COOKIE = 'consentry_csrf';
/** The sign-in session cookie (accounts' SESSION_COOKIE; named here so this kit imports no feature). */
const SESSION_COOKIE = 'consentry_session';

/**
 * CSRF protection for form posts: a random seed cookie plus a form field holding an HMAC under
 * the server secret of that seed *and the sign-in session cookie*, so a token cannot be forged,
 * planted through a sibling subdomain's cookie, or carried from one session to another. Signing
 * in changes the session, and `rotate` also renews the seed: every earlier token stops working.
 * Under https the seed cookie is `__Host-` prefixed (Secure, Path=/, no Domain: no sibling host
 * can set it).
 */
export class Csrf {
  private readonly cookie: string;

  constructor(
    private readonly secret: Buffer,
    private readonly secureCookies: boolean,
  ) {
    this.cookie = secureCookies ? `__Host-${COOKIE}` : COOKIE;
  }

  /** The token to embed in a form; sets the cookie when the browser has none yet. */
  token(request: FastifyRequest, reply: FastifyReply): string {
    let seed = request.cookies[this.cookie];
    if (!seed || seed.length < 20) seed = this.newSeed(reply);
    return this.sign(seed, request.cookies[SESSION_COOKIE]);
  }

  verify(request: FastifyRequest, submitted: unknown): boolean {
    const seed = request.cookies[this.cookie];
    return (
      typeof submitted === 'string' &&
      Boolean(seed) &&
      constantTimeEqual(this.sign(seed!, request.cookies[SESSION_COOKIE]), submitted)
    );
  }

  /** A new seed (at sign-in): forms rendered before no longer post. */
  rotate(reply: FastifyReply): void {
    this.newSeed(reply);
  }

  private newSeed(reply: FastifyReply): string {
    const seed = randomBytes(24).toString('base64url');
    reply.setCookie(this.cookie, seed, { path: '/', httpOnly: true, sameSite: 'lax', secure: this.secureCookies });
    return seed;
  }

  private sign(seed: string, session: string | undefined): string {
    const bound = session ? createHash('sha256').update(session).digest('base64url') : '';
    return createHmac('sha256', this.secret).update(`csrf:${seed}:${bound}`).digest('base64url');
  }
}
