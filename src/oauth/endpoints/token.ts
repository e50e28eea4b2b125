import type { FastifyInstance } from 'fastify';
import type { OAuthContext } from '../oauth-context.ts';
import { credentialsOf, startClientAuthentication } from '../clients/authenticate-client.ts';
import { InvalidRequest, UnauthorizedClient, UnsupportedGrantType } from '../errors.ts';
import { tokenRequestProof } from '../dpop/token-request-proof.ts';
import { authorizationCodeGrant } from '../grants/authorization-code.ts';
import { clientCredentialsGrant } from '../grants/client-credentials.ts';
import { deviceCodeGrant } from '../grants/device-code.ts';
import type { GrantHandler } from '../grants/grant-handler.ts';
import { refreshTokenGrant } from '../grants/refresh-token.ts';
import { formReadInHandler, readFormParams } from './read-params.ts';
import { TokenBody } from './schemas.ts';

const GRANTS = new Map<string, GrantHandler>(
  [authorizationCodeGrant, refreshTokenGrant, clientCredentialsGrant, deviceCodeGrant].map((g) => [g.name, g]),
);

/**
 * POST /oauth/token: read parameters, authenticate the client, check the grant type is
 * allowed, check the DPoP proof when one is sent (or required), run the grant, answer with
 * `Cache-Control: no-store`. No password grant, ever.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2
 */
export async function tokenEndpoint(app: FastifyInstance, ctx: OAuthContext): Promise<void> {
  app.post(
    '/oauth/token',
    {
      ...formReadInHandler,
      schema: {
        summary: 'Token endpoint',
        tags: ['oauth'],
        consumes: ['application/x-www-form-urlencoded'],
        body: TokenBody,
      },
    },
    async (request, reply) => {
      const params = readFormParams(request);
      const grantType = params.single.grant_type;
      if (!grantType) throw new InvalidRequest('grant_type is required');
      const grant = GRANTS.get(grantType);
      if (!grant) throw new UnsupportedGrantType(`grant_type ${grantType} is not supported`);
      const { client, proven } = await startClientAuthentication(
        credentialsOf(request.headers.authorization, params.single),
        ctx.clientAuth,
      );
      // A grant that changes nothing runs while a client assertion's signature is being checked:
      // its token's signing then travels to the signing thread with that check, one hand-off
      // instead of two. Any other grant waits for the check, and so does a DPoP proof, whose
      // jti is recorded. Either way nothing is answered before the client is proven.
      if (!grant.changesNothing || request.headers.dpop !== undefined) await proven;
      const granted = (async () => {
        if (!client.grantTypes.includes(grantType))
          throw new UnauthorizedClient(`the client may not use grant_type ${grantType}`);
        const dpopJkt = await tokenRequestProof(ctx, request, client);
        return { dpopJkt, response: await grant.handle(ctx, params, client, dpopJkt) };
      })();
      const { dpopJkt, response } = await heldUntil(proven, granted);
      // A client using DPoP always holds a fresh nonce for its next proof (RFC 9449 §8.2).
      if (dpopJkt && ctx.config.DPOP_NONCE !== 'off') reply.header('dpop-nonce', ctx.dpop.currentNonce());
      return reply.header('cache-control', 'no-store').header('pragma', 'no-cache').send(response);
    },
  );
}

/** `work`'s outcome once `proof` holds; `proof`'s failure instead, whatever `work` came to. */
async function heldUntil<T>(proof: Promise<void>, work: Promise<T>): Promise<T> {
  work.catch(() => {}); // heard below, unless the proof failed first
  await proof;
  return work;
}
