import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { AppContext } from '../../context.ts';
import { requireToken, type GuardRequirement } from '../../oauth/resource-guard/index.ts';
import type { ErrorItem } from '../errors.ts';
import type { Portfolio } from '../portfolio.ts';

export type ApiVersion = 'v1' | 'v2';

export interface ApiDeps {
  ctx: AppContext;
  portfolio: Portfolio;
  guard(requirement: GuardRequirement): preHandlerAsyncHookHandler;
}

export function apiDeps(ctx: AppContext, portfolio: Portfolio): ApiDeps {
  const resource = `${ctx.config.ISSUER}/platform`;
  return { ctx, portfolio, guard: (requirement) => requireToken(ctx, resource, requirement) };
}

/** The person the verified access token is about. */
export function personOf(request: FastifyRequest): string {
  return request.accessToken!.sub;
}

/** `{data, errors}`, with 206 when some providers failed and the data is partial. */
export function sendEnvelope(reply: FastifyReply, status: number, data: unknown, errors: ErrorItem[] = []): FastifyReply {
  return reply.code(status === 200 && errors.length ? 206 : status).send({ data, errors });
}
