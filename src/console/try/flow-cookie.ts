import { createHash, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SecretBox } from '../../kernel/crypto/secret-box.ts';

const COOKIE = 'consentry_try';
const MAX_AGE_SECONDS = 15 * 60;

/** What the demo app must remember between sending the person away and their return. */
export interface PendingFlow {
  verifier: string;
  state: string;
  nonce: string;
}

/** A new PKCE verifier (256 bits, RFC 7636 §4.1), state and nonce, with the S256 challenge. */
export function newFlow(): PendingFlow & { challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return {
    verifier,
    challenge: createHash('sha256').update(verifier).digest('base64url'),
    state: randomBytes(16).toString('base64url'),
    nonce: randomBytes(16).toString('base64url'),
  };
}

/**
 * Keeps the pending flow in an HttpOnly cookie on /try, sealed under SECRET_KEY like a real
 * app's session would be: no server-side state, so any node can finish what another began.
 */
export class FlowCookie {
  private readonly box: SecretBox;

  constructor(
    secretKey: Buffer,
    private readonly secure: boolean,
  ) {
    this.box = new SecretBox(secretKey, 'try-app-flow');
  }

  save(reply: FastifyReply, flow: PendingFlow): void {
    const value = this.box.seal(JSON.stringify({ verifier: flow.verifier, state: flow.state, nonce: flow.nonce }));
    reply.setCookie(COOKIE, value, {
      path: '/try',
      httpOnly: true,
      sameSite: 'lax',
      secure: this.secure,
      maxAge: MAX_AGE_SECONDS,
    });
  }

  /** The pending flow, removed as it is read: a code comes back once. */
  take(request: FastifyRequest, reply: FastifyReply): PendingFlow | undefined {
    const value = request.cookies[COOKIE];
    if (!value) return undefined;
    reply.clearCookie(COOKIE, { path: '/try', httpOnly: true, sameSite: 'lax', secure: this.secure });
    try {
      const flow = JSON.parse(this.box.open(value)) as Partial<PendingFlow>;
      if (typeof flow.verifier !== 'string' || typeof flow.state !== 'string' || typeof flow.nonce !== 'string')
        return undefined;
      return { verifier: flow.verifier, state: flow.state, nonce: flow.nonce };
    } catch {
      return undefined;
    }
  }
}
