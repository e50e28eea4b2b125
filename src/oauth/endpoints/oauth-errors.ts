import { asSentence } from '../../kernel/http/malformed-body.ts';
import { refusedTextAsMalformed } from '../../kernel/http/nul-characters.ts';
import { DATABASE_RETRY_AFTER_S, isDatabaseUnavailable } from '../../kernel/db/unavailable.ts';
import type { FastifyError, FastifyInstance } from 'fastify';
import { OAuthError } from '../errors.ts';
import { BACK_TO_APP_HINT, statusPage } from '../../ui/status-page.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A browser-facing route: malformed requests and rate limits answer with a page, not JSON. */
    htmlErrors?: boolean;
  }
}

/**
 * The one error renderer of the OAuth JSON endpoints: RFC 6749 §5.2 bodies with
 * `Cache-Control: no-store`; a body Fastify could not parse is an invalid_request; anything
 * unexpected is a generic 500 logged with the request id.
 */
export function useOAuthErrorRenderer(app: FastifyInstance): void {
  app.setErrorHandler((thrown: FastifyError | OAuthError, request, reply) => {
    const error = refusedTextAsMalformed(thrown);
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    if (error instanceof OAuthError) {
      return reply.code(error.status).headers(error.headers).send(error.toJSON());
    }
    const status = (error as FastifyError).statusCode;
    const htmlErrors = (request.routeOptions.config as { htmlErrors?: boolean }).htmlErrors;
    if (status === 429 && htmlErrors) {
      const retryAfter = (error as { retryAfter?: number }).retryAfter ?? 60;
      return reply
        .code(429)
        .header('retry-after', String(retryAfter))
        .type('text/html; charset=utf-8')
        .send(
          statusPage({
            title: 'Too many requests',
            message: `Too many requests from your network; try again in ${retryAfter} seconds.`,
            link: null,
            hint: BACK_TO_APP_HINT,
          }),
        );
    }
    if (status && status >= 400 && status < 500 && htmlErrors) {
      // Browser-facing routes (authorize, consent) answer malformed requests with a page, never a redirect.
      return reply
        .code(400)
        .type('text/html; charset=utf-8')
        .send(
          statusPage({
            title: 'This request cannot continue',
            message: asSentence(describeClientError(error as FastifyError)),
            link: null,
            hint: BACK_TO_APP_HINT,
          }),
        );
    }
    if (status === 429) {
      const retryAfter = (error as { retryAfter?: number }).retryAfter ?? 60;
      return reply
        .code(429)
        .header('retry-after', String(retryAfter))
        .send({ error: 'invalid_request', error_description: `too many requests; retry in ${retryAfter} s` });
    }
    if (status && status >= 400 && status < 500) {
      return reply
        .code(400)
        .send({ error: 'invalid_request', error_description: describeClientError(error as FastifyError) });
    }
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: error }, 'the database is out of reach');
      return reply.code(503).header('retry-after', String(DATABASE_RETRY_AFTER_S)).send({
        error: 'temporarily_unavailable',
        error_description: 'the service is briefly unavailable; retry shortly',
      });
    }
    request.log.error({ err: error }, 'unexpected error in an OAuth endpoint');
    return reply.code(500).send({ error: 'server_error', error_description: `internal error (request ${request.id})` });
  });
}

function describeClientError(error: FastifyError): string {
  if (error.code === 'CONSENTRY_MALFORMED_BODY') return error.message;
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return 'requests must be application/x-www-form-urlencoded';
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return 'request body is too large';
  if (error.validation) return `invalid parameters: ${error.message}`;
  return 'malformed request';
}
