import type { FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { AppContext } from '../context.ts';
import { InvalidAccessToken, verifyAccessToken, type AccessTokenClaims } from '../oauth/tokens/access-token.ts';
import { readBearer } from './bearer.ts';
import type { RegisteredResource } from './registry.ts';
import { challenge, TokenRejected } from './token-rejected.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified access token of a request that passed the guard. */
    accessToken?: AccessTokenClaims;
  }
}

export interface GuardRequirement {
  /** The token must carry every one of these scopes (none: any valid token). */
  allOf?: string[];
  /** ... or at least one of these. */
  anyOf?: string[];
}

export function resourceMetadataUrl(ctx: AppContext, resource: RegisteredResource): string {
  return `${ctx.config.ISSUER}/.well-known/oauth-protected-resource${resource.path}`;
}

/**
 * The resource servers' only gate: verifies the JWT (signature, `typ`, `iss`, `aud` = this
 * resource, `exp`), checks revocation through the cache, then the scope. Failures throw
 * TokenRejected with the RFC 6750 / RFC 9728 challenge.
 */
export function requireToken(ctx: AppContext, resourceUri: string, requirement: GuardRequirement = {}): preHandlerAsyncHookHandler {
  const resource = ctx.registry.resource(resourceUri);
  if (!resource) throw new Error(`requireToken: ${resourceUri} is not a registered resource`);
  const metadata = resourceMetadataUrl(ctx, resource);
  const needed = [...(requirement.allOf ?? []), ...(requirement.anyOf ?? [])].join(' ') || undefined;

  return async function guard(request: FastifyRequest) {
    const bearer = readBearer(request);
    if ('missing' in bearer) {
      throw new TokenRejected(401, undefined, 'an access token is required', challenge({ resource_metadata: metadata, scope: needed }));
    }
    if ('refused' in bearer) {
      throw new TokenRejected(400, 'invalid_request', bearer.refused, challenge({ error: 'invalid_request', error_description: bearer.refused, resource_metadata: metadata }));
    }
    let claims: AccessTokenClaims;
    try {
      claims = await verifyAccessToken(ctx.keys, bearer.token, ctx.config.ISSUER, resource.uri, ctx.clock.now());
    } catch (error) {
      if (!(error instanceof InvalidAccessToken)) throw error;
      throw invalidToken(error.message, metadata, needed);
    }
    if (await ctx.revocations.isRevoked({ fam: claims.fam, jti: claims.jti })) throw invalidToken('the access token was revoked', metadata, needed);
    const held = new Set(claims.scope.split(' '));
    const missingAll = (requirement.allOf ?? []).some((s) => !held.has(s));
    const missingAny = requirement.anyOf !== undefined && requirement.anyOf.length > 0 && !requirement.anyOf.some((s) => held.has(s));
    if (missingAll || missingAny) {
      throw new TokenRejected(403, 'insufficient_scope', `this request needs scope ${needed}`, challenge({ error: 'insufficient_scope', scope: needed, resource_metadata: metadata }));
    }
    request.accessToken = claims;
  };
}

function invalidToken(description: string, metadata: string, scope: string | undefined): TokenRejected {
  return new TokenRejected(401, 'invalid_token', description, challenge({ error: 'invalid_token', error_description: description, resource_metadata: metadata, scope }));
}
