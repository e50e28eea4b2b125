import type { FastifyError, FastifyReply, FastifyRequest, preValidationAsyncHookHandler } from 'fastify';
import type { Csrf } from '../../../ui/csrf.ts';

/** A JSON error the page script shows as is: `message` is written for the person. */
export function sendJsonError(reply: FastifyReply, status: number, error: string, message: string): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').send({ error, message });
}

/** The options endpoints' CSRF check: the page's form token, sent in the JSON body. */
export function requireJsonCsrf(csrf: Csrf): preValidationAsyncHookHandler {
  return async function checkCsrf(request: FastifyRequest, reply: FastifyReply) {
    const body = request.body;
    const submitted = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).csrf : undefined;
    if (csrf.verify(request, submitted)) return;
    request.log.info({ url: request.url }, 'passkey options refused: missing or wrong CSRF token');
    return sendJsonError(reply, 403, 'csrf', 'This page has expired. Reload it and try again.');
  };
}

/** Errors of the options endpoints as JSON, for the page script (the pages' handler renders HTML). */
export function renderJsonError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const status = error.validation ? 400 : (error.statusCode ?? 500);
  if (status >= 500) {
    request.log.error({ err: error }, 'passkey options failed');
    return sendJsonError(reply, 500, 'server_error', 'Passkeys are not available right now. Try again in a moment.');
  }
  if (status === 429) {
    const retryAfter = (error as FastifyError & { retryAfter?: number }).retryAfter ?? 60;
    reply.header('retry-after', String(retryAfter));
    return sendJsonError(
      reply,
      429,
      'rate_limited',
      `Too many sign-in attempts from your network. Wait ${retryAfter} seconds and try again.`,
    );
  }
  return sendJsonError(reply, status, 'bad_request', 'That request didn’t work. Reload the page and try again.');
}
