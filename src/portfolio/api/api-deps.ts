import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { Kernel } from '../../kernel/kernel.ts';
import type { GuardRequirement, ResourceGuard } from '../../oauth/index.ts';
import { ApiError, withEndUserCode, type ErrorItem } from '../errors.ts';
import type { Portfolio } from '../portfolio.ts';
import type { ListFilter } from '../reads/list-query.ts';
import type { AppView } from '../sharing/app-sharing.ts';

export type ApiVersion = 'v1' | 'v2';

export interface ApiDeps {
  kernel: Kernel;
  portfolio: Portfolio;
  /** The token guard plus, unless `person: false`, the check that the token acts for a person who exists. */
  guard(requirement: GuardRequirement, options?: { person?: boolean }): preHandlerAsyncHookHandler;
  /** The token's person's connections as the token's app may see them (the person's choice for that app). */
  viewOf(request: FastifyRequest): Promise<AppView>;
}

/** Whether a person exists (the accounts feature answers). */
export type PersonLookup = (userId: string) => Promise<boolean>;

export function apiDeps(
  kernel: Kernel,
  oauth: ResourceGuard,
  portfolio: Portfolio,
  personExists: PersonLookup,
): ApiDeps {
  const resource = `${kernel.config.ISSUER}/platform`;
  return {
    kernel,
    portfolio,
    viewOf(request) {
      const claims = request.accessToken!;
      return portfolio.sharing.viewOf(claims.sub, claims.client_id);
    },
    guard(requirement, options = {}) {
      const token = oauth.requireToken(resource, requirement);
      if (options.person === false) return token;
      return async function guardPerson(request, reply) {
        await token.call(this, request, reply);
        await requirePerson(request, personExists);
      };
    },
  };
}

/**
 * Every Platform API endpoint but the catalogue is about the token's person. A client-credentials
 * token (its `sub` is the client) acts for nobody: 403 (602); a token whose person was deleted: 404 (601).
 */
async function requirePerson(request: FastifyRequest, personExists: PersonLookup): Promise<void> {
  const claims = request.accessToken!;
  if (claims.sub === claims.client_id) {
    throw new ApiError(403, 'forbidden', 'this token does not act for a person', undefined, undefined, [
      { cause: 'forbidden', message: 'this token does not act for a person', code: 602 },
    ]);
  }
  if (!(await personExists(claims.sub))) {
    throw new ApiError(404, 'not_found', 'the person this token acts for does not exist', undefined, undefined, [
      { cause: 'not_found', message: 'the person this token acts for does not exist', code: 601 },
    ]);
  }
}

/** The person the verified access token is about. */
export function personOf(request: FastifyRequest): string {
  return request.accessToken!.sub;
}

/** `{data, errors}`, with 206 when some providers failed and the data is partial. */
export function sendEnvelope(
  reply: FastifyReply,
  status: number,
  data: unknown,
  errors: ErrorItem[] = [],
): FastifyReply {
  return reply.code(status === 200 && errors.length ? 206 : status).send({ data, errors: errors.map(withEndUserCode) });
}

/** The filter narrowed to what the app may see (a copy: the caller's filter may go into a cursor). */
export function withinView(filter: ListFilter, view: AppView): ListFilter {
  const narrowed: ListFilter = { ...filter };
  delete narrowed.connectionIds;
  if (view.ids) narrowed.connectionIds = view.ids;
  return narrowed;
}

const itemsRead = new WeakMap<FastifyRequest, number>();

/** Marks the request for the app's access log, with how many things its answer holds. */
export function noteItems(request: FastifyRequest, items: number): void {
  itemsRead.set(request, items);
}

/** The items noted for the request, or undefined when it is not one the access log keeps. */
export function notedItems(request: FastifyRequest): number | undefined {
  return itemsRead.get(request);
}
