import { createHmac, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { constantTimeEqual } from '../kernel/crypto/tokens.ts';

const COOKIE = 'consentry_csrf';

/**
 * CSRF protection for form posts: a random cookie plus a form field holding its HMAC under the
 * server secret, so a token cannot be forged or planted through a sibling subdomain's cookie.
 */
export class Csrf {
  constructor(private readonly secret: Buffer, private readonly secureCookies: boolean) {}

  /** The token to embed in a form; sets the cookie when the browser has none yet. */
  token(request: FastifyRequest, reply: FastifyReply): string {
    let seed = request.cookies[COOKIE];
    if (!seed || seed.length < 20) {
      seed = randomBytes(24).toString('base64url');
      reply.setCookie(COOKIE, seed, { path: '/', httpOnly: true, sameSite: 'lax', secure: this.secureCookies });
    }
    return this.sign(seed);
  }

  verify(request: FastifyRequest, submitted: unknown): boolean {
    const seed = request.cookies[COOKIE];
    return typeof submitted === 'string' && Boolean(seed) && constantTimeEqual(this.sign(seed!), submitted);
  }

  private sign(seed: string): string {
    return createHmac('sha256', this.secret).update(`csrf:${seed}`).digest('base64url');
  }
}
