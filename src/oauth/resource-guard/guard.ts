import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { OAuthContext } from '../oauth-context.ts';
import { checkSenderConstraint, DPOP_ALGS_PARAM, SenderConstraintFailure } from '../dpop/resource-proof.ts';
import { InvalidAccessToken, type AccessTokenClaims } from '../tokens/access-token.ts';
import { readAccessToken, type AuthorizationScheme } from './bearer.ts';
import type { RegisteredResource } from '../../kernel/scope-registry.ts';
import type { PersonalToken } from '../personal-tokens/personal-tokens.ts';
import { challenge, TokenRejected } from './token-rejected.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified access token of a request that passed the guard. */
    accessToken?: AccessTokenClaims;
  }
}

export interface GuardRequirement {
  /** Also accept the person's own `pat_…` tokens (the scheduling API does). */
  allowPersonalAccessTokens?: boolean;
  /** The token must carry every one of these scopes (none: any valid token). */
  allOf?: string[];
  /** ... or at least one of these. */
  anyOf?: string[];
}

export function resourceMetadataUrl(ctx: OAuthContext, resource: RegisteredResource): string {
  return `${ctx.config.ISSUER}/.well-known/oauth-protected-resource${resource.path}`;
}

/**
 * The resource servers' only gate: verifies the JWT (signature, `typ`, `iss`, `aud` = this
 * resource, `exp`), its DPoP binding when it has one (RFC 9449 §7), checks revocation through
 * the cache, then the scope. Failures throw TokenRejected with the RFC 6750 / RFC 9728 /
 * RFC 9449 challenge: `DPoP …` for a token presented with the DPoP scheme or bound to a key.
 */
export function requireToken(
  ctx: OAuthContext,
  resourceUri: string,
  requirement: GuardRequirement = {},
): preHandlerAsyncHookHandler {
  const resource = ctx.registry.resource(resourceUri);
  if (!resource) throw new Error(`requireToken: ${resourceUri} is not a registered resource`);
  const metadata = resourceMetadataUrl(ctx, resource);
  const needed = [...(requirement.allOf ?? []), ...(requirement.anyOf ?? [])].join(' ') || undefined;

  return async function guard(request: FastifyRequest, reply: FastifyReply) {
    const presented = readAccessToken(request);
    if ('missing' in presented) {
      // Both schemes are accepted: Bearer first (MCP clients read the first challenge), then DPoP's algs.
      throw new TokenRejected(
        401,
        undefined,
        'an access token is required',
        `${challenge({ resource_metadata: metadata, scope: needed })}, ${challenge({ algs: DPOP_ALGS_PARAM }, 'DPoP')}`,
      );
    }
    if ('refused' in presented) {
      throw new TokenRejected(
        400,
        'invalid_request',
        presented.refused,
        challenge({ error: 'invalid_request', error_description: presented.refused, resource_metadata: metadata }),
      );
    }
    const { scheme } = presented;
    const claims = presented.token.startsWith('pat_')
      ? await verifyPersonalToken(ctx, presented.token, resource.uri, requirement, metadata, needed, scheme)
      : await verifyJwt(ctx, presented.token, resource.uri, metadata, needed, scheme);
    try {
      await checkSenderConstraint(ctx, request, reply, presented, claims.cnf?.jkt);
    } catch (error) {
      if (!(error instanceof SenderConstraintFailure)) throw error;
      throw invalidToken(error.message, metadata, needed, 'DPoP', error.code);
    }
    if (claims.client_id !== PAT_CLIENT) {
      if (await ctx.revocations.isRevoked({ fam: claims.fam, jti: claims.jti }))
        throw invalidToken('the access token was revoked', metadata, needed, scheme);
      // A deleted app's tokens die with it, client_credentials ones included (they have no family).
      if (!(await ctx.clients.findById(claims.client_id)))
        throw invalidToken('the app this token was issued to no longer exists', metadata, needed, scheme);
    }
    const held = new Set(claims.scope.split(' '));
    const missingAll = (requirement.allOf ?? []).some((s) => !held.has(s));
    const missingAny =
      requirement.anyOf !== undefined && requirement.anyOf.length > 0 && !requirement.anyOf.some((s) => held.has(s));
    if (missingAll || missingAny) {
      throw new TokenRejected(
        403,
        'insufficient_scope',
        `this request needs scope ${needed}`,
        challenge({ error: 'insufficient_scope', scope: needed, resource_metadata: metadata }, scheme),
      );
    }
    request.accessToken = claims;
  };
}

const PAT_CLIENT = 'pat';

async function verifyJwt(
  ctx: OAuthContext,
  token: string,
  audience: string,
  metadata: string,
  needed: string | undefined,
  scheme: AuthorizationScheme,
): Promise<AccessTokenClaims> {
  try {
    return await ctx.accessTokens.verify(token, audience, ctx.clock.now());
  } catch (error) {
    if (!(error instanceof InvalidAccessToken)) throw error;
    throw invalidToken(error.message, metadata, needed, scheme);
  }
}

async function verifyPersonalToken(
  ctx: OAuthContext,
  token: string,
  audience: string,
  requirement: GuardRequirement,
  metadata: string,
  needed: string | undefined,
  scheme: AuthorizationScheme,
): Promise<AccessTokenClaims> {
  if (!requirement.allowPersonalAccessTokens)
    throw invalidToken('personal access tokens are not accepted here', metadata, needed, scheme);
  const personal = await ctx.personalTokens.verify(token);
  if (!personal) throw invalidToken('the personal access token is invalid or revoked', metadata, needed, scheme);
  return personalTokenClaims(ctx, personal, audience);
}

/** A personal access token seen through the same claims as a JWT access token. */
function personalTokenClaims(ctx: OAuthContext, token: PersonalToken, audience: string): AccessTokenClaims {
  const now = Math.floor(ctx.clock.now() / 1000);
  return {
    iss: ctx.config.ISSUER,
    sub: token.userId,
    aud: audience,
    client_id: PAT_CLIENT,
    scope: token.scopes.join(' '),
    jti: token.id,
    iat: Math.floor(token.createdAt / 1000),
    exp: token.expiresAt ? Math.floor(token.expiresAt / 1000) : now + 60,
  };
}

function invalidToken(
  description: string,
  metadata: string,
  scope: string | undefined,
  scheme: AuthorizationScheme,
  code: 'invalid_token' | 'invalid_dpop_proof' | 'use_dpop_nonce' = 'invalid_token',
): TokenRejected {
  const params = { error: code, error_description: description, resource_metadata: metadata, scope };
  return new TokenRejected(
    401,
    code,
    description,
    challenge(scheme === 'DPoP' ? { ...params, algs: DPOP_ALGS_PARAM } : params, scheme),
  );
}
