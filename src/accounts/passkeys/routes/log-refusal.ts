import type { FastifyBaseLogger } from 'fastify';
import { PasskeyNotVerified, type AccountsError } from '../../errors.ts';

/**
 * One log line per refused passkey answer: what was refused and why, which passkey and person
 * when known; never the answer itself. A counter that went backwards is a warning: the passkey
 * may have been copied off its authenticator.
 */
export function logPasskeyRefusal(
  log: FastifyBaseLogger,
  ceremony: 'sign-in' | 'registration',
  error: AccountsError,
): void {
  if (!(error instanceof PasskeyNotVerified)) {
    log.info({ ceremony, code: error.code }, 'passkey refused');
    return;
  }
  const { passkeyId, userId, cause } = error.context;
  const fields = { ceremony, code: error.code, reason: error.reason, passkeyId, userId };
  if (error.reason === 'counter_went_back') {
    log.warn(fields, 'passkey refused: its signature counter went backwards (possibly a cloned authenticator)');
    return;
  }
  // The library's reason (origin, RP ID, signature, flags) helps find a misconfigured WEBAUTHN_RP_ID.
  log.info({ ...fields, detail: cause instanceof Error ? cause.message.slice(0, 300) : undefined }, 'passkey refused');
}
