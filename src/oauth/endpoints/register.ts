import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { OAuthContext } from '../oauth-context.ts';
import { constantTimeEqual, hashMatches, newOpaqueToken, sha256 } from '../../kernel/crypto/tokens.ts';
import { perIpLimit } from '../../kernel/http/rate-limit.ts';
import { readBearer } from '../resource-guard/bearer.ts';
import type { Client } from '../clients/client.ts';
import { InvalidClientMetadata } from '../clients/client-service.ts';
import { deleteClient } from '../clients/delete-client.ts';
import {
  InvalidClientMetadataError,
  InvalidRedirectUri,
  InvalidRegistrationToken,
} from '../registration/registration-errors.ts';
import { readRegistrationRequest } from '../registration/registration-request.ts';
import { registrationResponse } from '../registration/registration-response.ts';

const Params = Type.Object({ clientId: Type.String({ maxLength: 512 }) });
// Any JSON: readRegistrationRequest checks it and answers RFC 7591's own errors (invalid_client_metadata).
const Metadata = Type.Unknown();
const BODY_LIMIT = 16 * 1024;

/**
 * Dynamic client registration (RFC 7591) and its management API (RFC 7592): open or behind an
 * initial access token, rate-limited per IP, redirect URIs validated as for every client,
 * secrets that expire, and a registration access token (hashed) to read, change or delete.
 */
export async function registerEndpoints(fastify: FastifyInstance, ctx: OAuthContext): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const routeOptions = { bodyLimit: BODY_LIMIT, schema: { tags: ['oauth'] } };

  app.post(
    '/oauth/register',
    {
      ...routeOptions,
      config: perIpLimit(ctx.config.REGISTRATION_RATE_LIMIT_PER_MINUTE),
      schema: { ...routeOptions.schema, body: Metadata, summary: 'Dynamic client registration (RFC 7591)' },
    },
    async (request, reply) => {
      checkInitialAccessToken(ctx, request);
      const { client: input, metadata } = readRegistrationRequest(request.body);
      const registrationToken = newOpaqueToken('rat_');
      const { client, secret } = await translate(() =>
        ctx.clientService.create({
          ...input,
          registrationTokenHash: sha256(registrationToken),
          metadata: storedMetadata(metadata),
          secretTtlSeconds: ctx.config.REGISTRATION_SECRET_TTL_SECONDS || null,
        }),
      );
      return reply
        .code(201)
        .header('cache-control', 'no-store')
        .send(registrationResponse(ctx, client, { ...(secret ? { clientSecret: secret } : {}), registrationToken }));
    },
  );

  app.get(
    '/oauth/register/:clientId',
    { schema: { params: Params, summary: 'Read a registration (RFC 7592)', tags: ['oauth'] } },
    async (request, reply) => {
      const client = await registeredClient(ctx, request, request.params.clientId);
      return reply.header('cache-control', 'no-store').send(registrationResponse(ctx, client, {}));
    },
  );

  app.put(
    '/oauth/register/:clientId',
    {
      ...routeOptions,
      schema: { params: Params, body: Metadata, summary: 'Update a registration (RFC 7592)', tags: ['oauth'] },
    },
    async (request, reply) => {
      const client = await registeredClient(ctx, request, request.params.clientId);
      const body = request.body;
      if (!isJsonObject(body) || body.client_id !== client.id)
        throw new InvalidClientMetadataError('client_id in the body must match the registration');
      if (body.client_secret !== undefined)
        throw new InvalidClientMetadataError('the client secret cannot be set; it is issued by the server');
      const { client: input, metadata } = readRegistrationRequest(body);
      const updated = await translate(() =>
        ctx.clientService.update(client.id, { ...input, metadata: storedMetadata(metadata) }),
      );
      return reply.header('cache-control', 'no-store').send(registrationResponse(ctx, updated, {}));
    },
  );

  app.delete(
    '/oauth/register/:clientId',
    { schema: { params: Params, summary: 'Delete a registration (RFC 7592)', tags: ['oauth'] } },
    async (request, reply) => {
      const client = await registeredClient(ctx, request, request.params.clientId);
      await deleteClient(ctx, client.id);
      return reply.code(204).send();
    },
  );
}

function checkInitialAccessToken(ctx: OAuthContext, request: FastifyRequest): void {
  const expected = ctx.config.REGISTRATION_INITIAL_ACCESS_TOKEN;
  if (!expected) return;
  const bearer = readBearer(request);
  if (!('token' in bearer) || !constantTimeEqual(bearer.token, expected))
    throw new InvalidRegistrationToken('registration needs a valid initial access token');
}

/** RFC 7592 §2: the registration access token proves the caller registered this client. */
async function registeredClient(ctx: OAuthContext, request: FastifyRequest, clientId: string): Promise<Client> {
  const bearer = readBearer(request);
  const client = await ctx.clients.findById(clientId);
  // An unknown client and a wrong token look the same, so ids cannot be probed.
  if (
    !('token' in bearer) ||
    !client?.registrationTokenHash ||
    !hashMatches(bearer.token, client.registrationTokenHash)
  ) {
    throw new InvalidRegistrationToken('invalid registration access token');
  }
  return client;
}

/** Validation failures from the shared client rules, in RFC 7591's vocabulary. */
async function translate<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof InvalidClientMetadata)) throw error;
    if (error.field === 'redirect_uris') throw new InvalidRedirectUri(error.message);
    throw new InvalidClientMetadataError(error.message);
  }
}

/** Metadata kept for RFC 7592 reads: what the client sent, minus anything secret-like. */
function storedMetadata(metadata: Record<string, unknown>): Record<string, unknown> {
  const kept = { ...metadata };
  for (const field of ['client_secret', 'registration_access_token', 'client_id']) delete kept[field];
  return kept;
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
