import { asSentence } from '../../kernel/http/malformed-body.ts';
import { refusedTextAsMalformed } from '../../kernel/http/nul-characters.ts';
import { DATABASE_RETRY_AFTER_S } from '../../kernel/db/unavailable.ts';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TokenRejected } from '../../oauth/index.ts';
import { SchedulingError, type ErrorDetail } from '../errors.ts';
import { serverFailure } from '../server-failure.ts';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
};

/**
 * The API's one error renderer: `{title, message, details?}`. Guard refusals keep their status
 * and WWW-Authenticate challenge; validation errors are 400s listing each field; anything
 * unexpected is a generic 500 logged with the request id.
 */
export function useSchedulingErrors(app: FastifyInstance): void {
  app.setErrorHandler(
    (thrown: FastifyError | SchedulingError | TokenRejected, request: FastifyRequest, reply: FastifyReply) => {
      const error = refusedTextAsMalformed(thrown);
      if (error instanceof SchedulingError) return send(reply, error.status, error.title, error.message, error.details);
      if (error instanceof TokenRejected) {
        reply.header('www-authenticate', error.wwwAuthenticate);
        return send(reply, error.status, TITLES[error.status]!, messageFor(error));
      }
      const fastifyError = error as FastifyError;
      if (fastifyError.validation) {
        const context = fastifyError.validationContext ?? 'body';
        return send(
          reply,
          400,
          'Bad Request',
          `The request ${context === 'querystring' ? 'query' : context} is not valid.`,
          validationDetails(fastifyError),
        );
      }
      const status = fastifyError.statusCode ?? 500;
      if (status === 429)
        return send(
          reply,
          429,
          TITLES[429]!,
          'This token is over 600 requests per minute; wait for X-RateLimit-Reset.',
        );
      if (status >= 400 && status < 500)
        return send(reply, status, TITLES[status] ?? 'Bad Request', clientMessage(fastifyError));
      const failure = serverFailure(error, request, 'scheduling API failed');
      if (failure.status === 503) reply.header('retry-after', String(DATABASE_RETRY_AFTER_S));
      return send(reply, failure.status, failure.title, asSentence(failure.message));
    },
  );
  app.setNotFoundHandler((request, reply) =>
    send(reply, 404, 'Not Found', `No endpoint ${request.method} ${request.url.split('?')[0]}.`),
  );
}

function send(
  reply: FastifyReply,
  status: number,
  title: string,
  message: string,
  details?: ErrorDetail[],
): FastifyReply {
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .type('application/json; charset=utf-8')
    .send(JSON.stringify(details?.length ? { title, message, details } : { title, message }));
}

function messageFor(error: TokenRejected): string {
  if (error.status === 401 && error.code === undefined) return 'An access token is required (Authorization: Bearer …).';
  if (error.status === 401) return `Invalid or unknown access token: ${error.description}.`;
  if (error.status === 403) return `The token lacks the scope: ${error.description}.`;
  return error.description;
}

function clientMessage(error: FastifyError): string {
  if (error.code === 'CONSENTRY_MALFORMED_BODY') return asSentence(error.message);
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return 'Send JSON (Content-Type: application/json).';
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return 'The request body is too large.';
  if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'The JSON body is empty.';
  if (error.code?.startsWith('FST_ERR_CTP')) return 'The request body is not valid JSON.';
  return 'The request is not valid.';
}

/** Ajv errors as {path, message}, the path of the offending field as segments. */
function validationDetails(error: FastifyError): ErrorDetail[] {
  return (error.validation ?? []).map((v) => {
    const path: Array<string | number> = v.instancePath
      .split('/')
      .slice(1)
      .map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, '/').replace(/~0/g, '~')));
    const params = v.params as { missingProperty?: string; additionalProperty?: string; allowedValues?: unknown[] };
    if (params.missingProperty) return { path: [...path, params.missingProperty], message: 'is required' };
    if (params.additionalProperty)
      return { path: [...path, params.additionalProperty], message: 'is not a known field' };
    return { path, message: v.message ?? 'is not valid' };
  });
}
