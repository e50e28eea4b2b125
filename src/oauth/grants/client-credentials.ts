import { OIDC_SCOPES } from '../core-scopes.ts';
import { checkRequestedScopes } from '../checks/check-scope.ts';
import { resolveResources } from '../checks/check-resource.ts';
import { InvalidScope, UnauthorizedClient } from '../errors.ts';
import { issueTokens } from '../tokens/token-issuer.ts';
import type { GrantHandler } from './grant-handler.ts';

/**
 * client_credentials: confidential clients only, no refresh token, `sub` is the client. Nothing
 * is stored: the JWT carries all its facts and a `jti` for revocation.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4
 */
export const clientCredentialsGrant: GrantHandler = {
  name: 'client_credentials',
  changesNothing: true,
  async handle(ctx, { single, resource }, client, dpopJkt) {
    if (client.type !== 'confidential') throw new UnauthorizedClient('client_credentials needs a confidential client');
    const scopes = checkRequestedScopes(single.scope, client, ctx.registry);
    const personal = scopes.find((s) => OIDC_SCOPES.has(s));
    if (personal) throw new InvalidScope(`scope ${personal} is about a person and cannot be granted to a client alone`);
    const resources = resolveResources(resource, scopes, ctx.registry);
    const issued = await issueTokens(ctx, await ctx.keys.signingKey(), {
      client,
      subject: client.id,
      scopes,
      resources,
      withRefreshToken: false,
      dpopJkt,
    });
    return issued.response;
  },
};
