import type { FastifyReply, FastifyRequest, preValidationAsyncHookHandler } from 'fastify';
import type { Csrf } from './csrf.ts';
import { sendPage } from './respond.ts';
import { FORM_EXPIRED, statusPage } from './status-page.ts';

/**
 * Checks the form's `csrf` field before the body is validated, so a forged or stale post is a
 * 403 whatever else is wrong with it, and nothing it asks for happens.
 */
export function requireCsrf(csrf: Csrf): preValidationAsyncHookHandler {
  return async function checkCsrf(request: FastifyRequest, reply: FastifyReply) {
    const body = request.body;
    const submitted = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).csrf : undefined;
    if (csrf.verify(request, submitted)) return;
    request.log.info({ url: request.url }, 'form post refused: missing or wrong CSRF token');
    return sendPage(reply, 403, statusPage(FORM_EXPIRED));
  };
}
