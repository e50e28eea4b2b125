import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SchedulingError } from '../../errors.ts';
import type { SchedulingServices } from '../../scheduling-services.ts';
import type { WebhookOrigin } from '../../webhooks/webhook.ts';
import type { ApiDeps } from '../api-deps.ts';
import {
  errorResponses,
  IdParams,
  WebhookCreate,
  WebhookDeliveryList,
  WebhookList,
  WebhookWithSecret,
} from '../schemas.ts';
import { deliveryToJson, webhookToJson } from '../to-json.ts';

const tags = ['webhooks'];
// Webhooks carry booking data: listing them takes the scope that reads bookings, and creating or
// removing them the scope that writes bookings (a read-only app must not start a data feed).
const READ = 'read:bookings';
const WRITE = 'write:bookings';
const PERSONAL_TOKEN_CLIENT = 'pat';

/** /webhooks: register (the signing secret is answered once), list, delete, delivery log. */
export async function webhookRoutes(app: FastifyInstance, { s, needs, hostOf }: ApiDeps): Promise<void> {
  const guard = needs(READ);
  const writeGuard = needs(WRITE);
  app.post<{ Body: Static<typeof WebhookCreate> }>(
    '/webhooks',
    {
      preHandler: writeGuard,
      schema: {
        summary: 'Register an HTTPS endpoint for booking events',
        tags,
        body: WebhookCreate,
        response: { 201: WebhookWithSecret, ...errorResponses },
      },
    },
    async (request, reply) => {
      const host = await hostOf(request);
      const { webhook, secret } = await s.webhooks.create(host.userId, request.body, await originOf(s, request));
      return reply.code(201).send({ ...webhookToJson(webhook), secret });
    },
  );

  app.get(
    '/webhooks',
    {
      preHandler: guard,
      schema: { summary: 'The host’s webhook endpoints', tags, response: { 200: WebhookList, ...errorResponses } },
    },
    async (request) => {
      const host = await hostOf(request);
      return { webhooks: (await s.webhooks.list(host.userId)).map(webhookToJson) };
    },
  );

  app.delete<{ Params: Static<typeof IdParams> }>(
    '/webhooks/:id',
    {
      preHandler: writeGuard,
      schema: {
        summary: 'Remove an endpoint',
        tags,
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const host = await hostOf(request);
      await s.webhooks.delete(host.userId, request.params.id);
      return reply.code(204).send();
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/webhooks/:id/deliveries',
    {
      preHandler: guard,
      schema: {
        summary: 'The endpoint’s latest 50 deliveries',
        tags,
        params: IdParams,
        response: { 200: WebhookDeliveryList, ...errorResponses },
      },
    },
    async (request) => {
      const host = await hostOf(request);
      return { deliveries: (await s.webhooks.deliveries(host.userId, request.params.id)).map(deliveryToJson) };
    },
  );
}

/** The consent a webhook lives on: the app's client and grant, or the person's own token. */
async function originOf(s: SchedulingServices, request: FastifyRequest): Promise<WebhookOrigin> {
  const token = request.accessToken!;
  if (token.client_id === PERSONAL_TOKEN_CLIENT) return { kind: 'person' };
  const grant = token.fam ? await s.grants.grantOfFamily(token.fam) : undefined;
  if (!grant)
    throw new SchedulingError(
      403,
      'Forbidden',
      'This token is not tied to a person’s consent, so it cannot register webhooks.',
    );
  return { kind: 'app', clientId: grant.clientId, grantId: grant.grantId };
}
