import { refusedTextAsMalformed } from '../kernel/http/nul-characters.ts';
import { DATABASE_RETRY_AFTER_S, isDatabaseUnavailable } from '../kernel/db/unavailable.ts';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { html } from './html.ts';
import { page } from './layout.ts';

/**
 * The error renderer of every route whose feature did not set its own (feature scopes override
 * it): a client error is a 400-class page or JSON body naming no internals; anything else is a
 * generic 500, logged with the request id. JSON when the client asks only for JSON, else a page.
 */
export function useDefaultErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((thrown: FastifyError, request, reply) => {
    const error = refusedTextAsMalformed(thrown) as FastifyError;
    const raw = error.validation ? 400 : (error.statusCode ?? 500);
    const status = raw >= 400 && raw < 600 ? raw : 500;
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: error, request_id: request.id }, 'the database is out of reach');
      reply.header('retry-after', String(DATABASE_RETRY_AFTER_S));
      return render(request, reply, 503, 'Briefly unavailable', 'Please try again in a few seconds.');
    }
    if (status >= 500) {
      request.log.error({ err: error, request_id: request.id }, 'request failed');
      return render(
        request,
        reply,
        500,
        'Something went wrong',
        `We couldn’t complete that (request ${request.id}). Please try again in a moment.`,
      );
    }
    if (status === 429) return render(request, reply, 429, 'Too many requests', 'Wait a minute and try again.');
    return render(request, reply, status, 'That request didn’t work', clientMessage(error));
  });
}

/** Messages of our own parsers are written to be shown; Fastify's are described, not echoed. */
function clientMessage(error: FastifyError): string {
  if (error.code === 'CONSENTRY_MALFORMED_BODY') return error.message;
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return 'The request body is too large.';
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return 'The request body has a type this address does not accept.';
  if (error.code?.startsWith('FST_ERR_CTP')) return 'The request body could not be read.';
  return 'Something in the form or address was missing or not valid. Go back and try again.';
}

function render(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  title: string,
  message: string,
): FastifyReply {
  reply.code(status).header('cache-control', 'no-store');
  const accept = request.headers.accept ?? '';
  if (/\bapplication\/json\b/.test(accept) && !/\btext\/html\b/.test(accept)) {
    return reply.type('application/json; charset=utf-8').send({
      error: status === 503 ? 'temporarily_unavailable' : status >= 500 ? 'server_error' : 'bad_request',
      message,
    });
  }
  return reply
    .type('text/html; charset=utf-8')
    .send(page({ title, body: html`<h1>${title}</h1><p class="error" role="alert">${message}</p>` }));
}
