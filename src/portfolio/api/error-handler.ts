import { refusedTextAsMalformed } from '../../kernel/http/nul-characters.ts';
import { DATABASE_RETRY_AFTER_S, isDatabaseUnavailable } from '../../kernel/db/unavailable.ts';
import type { FastifyError, FastifyInstance } from 'fastify';
import { TokenRejected } from '../../oauth/index.ts';
import { ApiError, withEndUserCode, type ErrorItem } from '../errors.ts';

const CONNECTION_SHAPES =
  'connection must be one of {type: "api_key", api_key, secret_key, passphrase?}, {type: "wallet", address, chain?}, {type: "oauth2"}, {type: "csv", format?, content}';

/**
 * The Platform API's one error renderer: ApiError, the guard's TokenRejected (status and
 * WWW-Authenticate kept), request validation (400) and anything else (500, logged, generic).
 */
export function usePlatformErrors(app: FastifyInstance): void {
  app.setErrorHandler((thrown: FastifyError | Error, request, reply) => {
    const error = refusedTextAsMalformed(thrown);
    if (error instanceof ApiError) {
      if (error.retryAfter !== undefined) reply.header('retry-after', String(error.retryAfter));
      return reply.code(error.status).send({ data: null, errors: error.toItems() });
    }
    if (error instanceof TokenRejected) {
      const cause = error.status === 401 ? 'unauthorized' : error.status === 403 ? 'forbidden' : 'bad_request';
      return reply
        .code(error.status)
        .header('www-authenticate', error.wwwAuthenticate)
        .send({ data: null, errors: [withEndUserCode({ cause, message: error.description })] });
    }
    const fastifyError = error as FastifyError;
    if (fastifyError.validation) {
      const touchesConnection = fastifyError.validation.some((v) => /\/connection/.test(v.instancePath));
      const message = touchesConnection
        ? CONNECTION_SHAPES
        : `${fastifyError.validationContext ?? 'request'}${fastifyError.validation[0]?.instancePath ?? ''} ${fastifyError.validation[0]?.message ?? 'is invalid'}`;
      return reply.code(400).send({ data: null, errors: [{ cause: 'bad_request', message } satisfies ErrorItem] });
    }
    const status = fastifyError.statusCode;
    if (status && status >= 400 && status < 500) {
      return reply
        .code(status)
        .send({ data: null, errors: [{ cause: 'bad_request', message: fastifyError.message } satisfies ErrorItem] });
    }
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: error, request_id: request.id }, 'the database is out of reach');
      return reply
        .code(503)
        .header('retry-after', String(DATABASE_RETRY_AFTER_S))
        .send({
          data: null,
          errors: [{ cause: 'internal_error', message: 'briefly unavailable; retry shortly' } satisfies ErrorItem],
        });
    }
    request.log.error({ err: error, request_id: request.id }, 'platform API request failed');
    return reply.code(500).send({
      data: null,
      errors: [
        {
          cause: 'internal_error',
          message: `something went wrong on our side (request ${request.id})`,
        } satisfies ErrorItem,
      ],
    });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      data: null,
      errors: [
        {
          cause: 'not_found',
          message: `${request.method} ${request.url.split('?')[0]} is not an endpoint of the Platform API`,
        },
      ],
    }),
  );
}
