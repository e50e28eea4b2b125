import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { ApiError, badRequest, notFound } from '../../errors.ts';
import type { ApiDeps, ApiVersion } from '../api-deps.ts';
import { Envelope, errorResponses } from '../schemas/common.ts';
import { AddProvidersDataSchema, OAuthCallbackBody } from '../schemas/providers.ts';

/**
 * Finishing an OAuth-type link: v1 `GET /oauth/callback/{crypto_provider}?code&state`, v2
 * `POST /oauth/callback/{provider_id}` with `{code, state}`. No catalogue provider links by
 * OAuth yet, so a known provider answers 400 and an unknown one 404.
 */
export async function oauthCallbackRoute(app: FastifyInstance, deps: ApiDeps, version: ApiVersion): Promise<void> {
  const finish = (providerId: string): never => {
    const provider = deps.portfolio.catalog.find(providerId);
    if (!provider) throw notFound(`provider ${providerId} is not in the catalogue`, providerId);
    if (!provider.authTypes.includes('oauth2'))
      throw badRequest(`provider ${providerId} does not link through OAuth`, providerId);
    throw new ApiError(501, 'bad_request', `OAuth linking of ${providerId} is not implemented yet`, providerId);
  };
  const response = { 200: Envelope(AddProvidersDataSchema, 'IntegrationResponse'), ...errorResponses };
  const tags = [`platform ${version}`];
  const route = app.withTypeProvider<TypeBoxTypeProvider>();
  if (version === 'v1') {
    route.get(
      '/oauth/callback/:crypto_provider',
      {
        preHandler: deps.guard({ allOf: ['write:providers'] }),
        schema: {
          summary: 'Authorization callback of an OAuth provider',
          tags,
          params: Type.Object({ crypto_provider: Type.String({ maxLength: 100 }) }),
          querystring: OAuthCallbackBody,
          response,
        },
      },
      async (request) => finish(request.params.crypto_provider),
    );
  } else {
    route.post(
      '/oauth/callback/:provider_id',
      {
        preHandler: deps.guard({ allOf: ['write:providers'] }),
        schema: {
          summary: 'Authorization callback of an OAuth provider',
          tags,
          params: Type.Object({ provider_id: Type.String({ maxLength: 100 }) }),
          body: OAuthCallbackBody,
          response,
        },
      },
      async (request) => finish(request.params.provider_id),
    );
  }
}
