import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { badRequest, notFound } from '../../errors.ts';
import { noteItems, personOf, sendEnvelope, type ApiDeps, type ApiVersion } from '../api-deps.ts';
import { Envelope, errorResponses } from '../schemas/common.ts';
import { AddProvidersDataSchema, OAuthCallbackBody } from '../schemas/providers.ts';

/**
 * Finishing an OAuth-type link through the API: v1 `GET /oauth/callback/{crypto_provider}?code&state`,
 * v2 `POST /oauth/callback/{provider_id}` with `{code, state}`, for an app that relays the
 * exchange's answer itself. The link must be the token's person's own (started with
 * `POST /providers` and `{"type": "oauth2"}`). People who return in a browser land on
 * /connect/oauth/callback/<provider> instead (the redirect URI Consentry registers).
 */
export async function oauthCallbackRoute(app: FastifyInstance, deps: ApiDeps, version: ApiVersion): Promise<void> {
  const finish = async (providerId: string, code: string, state: string, userId: string) => {
    const provider = deps.portfolio.catalog.find(providerId);
    if (!provider) throw notFound(`provider ${providerId} is not in the catalogue`, providerId);
    if (!provider.authTypes.includes('oauth2'))
      throw badRequest(`provider ${providerId} does not link through OAuth`, providerId);
    const { connectionId } = await deps.portfolio.oauthLinks.finish(providerId, state, code, userId);
    return { added: true, provider_id: providerId, connection_id: connectionId };
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
      async (request, reply) => {
        const { code, state } = request.query;
        const data = await finish(request.params.crypto_provider, code, state, personOf(request));
        noteItems(request, 1);
        return sendEnvelope(reply, 200, data);
      },
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
      async (request, reply) => {
        const { code, state } = request.body;
        const data = await finish(request.params.provider_id, code, state, personOf(request));
        noteItems(request, 1);
        return sendEnvelope(reply, 200, data);
      },
    );
  }
}
