import type { FastifyBaseLogger } from 'fastify';
import { isDatabaseUnavailable } from '../kernel/db/unavailable.ts';

/** A failure on our side, as the scheduling API and its MCP tools both tell it. */
export interface ServerFailure {
  status: 500 | 503;
  title: string;
  /** A clause: the API sets it as a sentence (`asSentence`), a tool's text after its title. */
  message: string;
}

/**
 * Logs `error` (a warning while the database is out of reach, else an error as `failed`, with
 * `context`) and answers what the client is told: never the error's own words, which may be a
 * driver's.
 */
export function serverFailure(
  error: unknown,
  request: { log: FastifyBaseLogger; id: string },
  failed: string,
  context: Record<string, unknown> = {},
): ServerFailure {
  if (isDatabaseUnavailable(error)) {
    request.log.warn({ err: error, ...context }, 'the database is out of reach');
    return { status: 503, title: 'Service Unavailable', message: 'briefly unavailable; retry in a few seconds' };
  }
  request.log.error({ err: error, ...context }, failed);
  return {
    status: 500,
    title: 'Internal Server Error',
    message: `something went wrong on our side (request ${request.id})`,
  };
}
