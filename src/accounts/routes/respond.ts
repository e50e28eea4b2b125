import type { FastifyReply } from 'fastify';
import {
  AccountsError,
  ChannelUnavailable,
  CodeThrottled,
  DeliveryFailed,
  SmsPaused,
  TooManyAttempts,
} from '../errors.ts';

export function codePageUrl(challengeId: string, returnTo: string, resent = false): string {
  const query = new URLSearchParams({ challenge: challengeId, return_to: returnTo });
  if (resent) query.set('resent', '1');
  return `/signin/code?${query}`;
}

/** The HTTP status a sign-in failure is shown with; sets Retry-After when waiting helps. */
export function failureStatus(reply: FastifyReply, error: AccountsError): number {
  if (error instanceof CodeThrottled || error instanceof SmsPaused) {
    reply.header('retry-after', String(error.retryAfterSeconds));
    return 429;
  }
  if (error instanceof TooManyAttempts) return 429;
  if (error instanceof DeliveryFailed) return 502;
  if (error instanceof ChannelUnavailable) return 503;
  return 400;
}

/** Narrows a caught value to a sign-in failure the page can show; anything else is rethrown. */
export function asAccountsError(error: unknown): AccountsError {
  if (error instanceof AccountsError) return error;
  throw error;
}
