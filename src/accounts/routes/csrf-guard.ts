import type { FastifyReply, FastifyRequest, preValidationAsyncHookHandler } from 'fastify';
import type { Csrf } from '../../ui/csrf.ts';
import { messagePage } from '../pages/message-page.ts';
import { sendHtml } from './respond.ts';

/**
 * Checks the form's `csrf` field before the body is validated, so a forged or stale post is
 * always a 403 — whatever else is wrong with it.
 */
export function csrfGuard(csrf: Csrf): preValidationAsyncHookHandler {
  return async function checkCsrf(request: FastifyRequest, reply: FastifyReply) {
    const body = request.body;
    const submitted = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).csrf : undefined;
    if (csrf.verify(request, submitted)) return;
    request.log.info({ url: request.url }, 'form post refused: missing or wrong CSRF token');
    return sendHtml(
      reply,
      403,
      messagePage('This form has expired', 'For your security this form can no longer be sent. Go back, reload the page and try again.'),
    );
  };
}
