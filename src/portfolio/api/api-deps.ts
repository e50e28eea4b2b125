import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { Kernel } from '../../kernel/kernel.ts';
import type { GuardRequirement, ResourceGuard } from '../../oauth/index.ts';
import type { ErrorItem } from '../errors.ts';
import type { Portfolio } from '../portfolio.ts';

export type ApiVersion = 'v1' | 'v2';

export interface ApiDeps {
  kernel: Kernel;
  portfolio: Portfolio;
  guard(requirement: GuardRequirement): preHandlerAsyncHookHandler;
}

export function apiDeps(kernel: Kernel, oauth: ResourceGuard, portfolio: Portfolio): ApiDeps {
  const resource = `${kernel.config.ISSUER}/platform`;
  return { kernel, portfolio, guard: (requirement) => oauth.requireToken(resource, requirement) };
}

/** The person the verified access token is about. */
export function personOf(request: FastifyRequest): string {
  return request.accessToken!.sub;
}

/** `{data, errors}`, with 206 when some providers failed and the data is partial. */
export function sendEnvelope(reply: FastifyReply, status: number, data: unknown, errors: ErrorItem[] = []): FastifyReply {
  return reply.code(status === 200 && errors.length ? 206 : status).send({ data, errors });
}
