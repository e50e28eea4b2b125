import type { FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { SchedulingError } from '../errors.ts';
import type { Host } from '../hosts/host.ts';
import type { SchedulingServices } from '../scheduling-services.ts';

/** What every API route file receives. */
export interface ApiDeps {
  s: SchedulingServices;
  /** The guard for one scope (OAuth access tokens for /api/v2 and personal access tokens). */
  needs(scope: string): preHandlerAsyncHookHandler;
  /** The host the token acts for. @throws 403 when it acts for no person (client credentials) */
  hostOf(request: FastifyRequest): Promise<Host>;
  issuer: string;
  /** The scope each guarded route needs, by "METHOD path", for the OpenAPI document. */
  routeScopes: Map<string, string>;
  scopeOf(handler: unknown): string | undefined;
}

export function apiDeps(s: SchedulingServices): ApiDeps {
  const resource = `${s.kernel.config.ISSUER}/api/v2`;
  const guards = new Map<string, preHandlerAsyncHookHandler>();
  const scopes = new Map<unknown, string>();
  return {
    s,
    issuer: s.kernel.config.ISSUER,
    routeScopes: new Map(),
    needs(scope) {
      let guard = guards.get(scope);
      if (!guard) {
        guard = s.oauth.requireToken(resource, { allOf: [scope], allowPersonalAccessTokens: true });
        guards.set(scope, guard);
        scopes.set(guard, scope);
      }
      return guard;
    },
    scopeOf: (handler: unknown) => scopes.get(handler),
    async hostOf(request) {
      const sub = request.accessToken?.sub;
      try {
        if (!sub) throw new Error('no subject');
        return await s.hosts.ensure(sub);
      } catch (error) {
        if (error instanceof SchedulingError && error.status === 404)
          throw new SchedulingError(403, 'Forbidden', 'This token does not act for a person.');
        throw error;
      }
    },
  };
}
