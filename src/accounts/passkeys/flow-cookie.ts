import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.ts';
import { newOpaqueToken, sha256 } from '../../kernel/crypto/tokens.ts';
import { PASSKEY_CHALLENGE_TTL_MS } from './passkey.ts';

/**
 * The browser's passkey sign-in flow: a random token in an HttpOnly, SameSite=Strict cookie
 * whose hash each sign-in challenge is bound to, so a challenge is answerable only from the
 * browser it was issued to. One flow serves every tab (each challenge is still single-use).
 * Under https the cookie is `__Host-` prefixed (Secure, Path=/, no Domain).
 */
function cookieName(config: Config): string {
  return config.ISSUER.startsWith('https:') ? '__Host-consentry_passkey_flow' : 'consentry_passkey_flow';
}

/** The hash of this browser's flow, starting one (or renewing its lifetime) as options are issued. */
export function startPasskeyFlow(request: FastifyRequest, reply: FastifyReply, config: Config): string {
  const name = cookieName(config);
  const existing = request.cookies[name];
  const token = existing && existing.length <= 128 ? existing : newOpaqueToken('pkf_');
  reply.setCookie(name, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: config.ISSUER.startsWith('https:'),
    path: '/',
    maxAge: PASSKEY_CHALLENGE_TTL_MS / 1000,
  });
  return sha256(token);
}

/** The hash of this browser's flow, or undefined when it has none (expired, or never asked). */
export function passkeyFlowOf(request: FastifyRequest, config: Config): string | undefined {
  const token = request.cookies[cookieName(config)];
  return token && token.length <= 128 ? sha256(token) : undefined;
}
