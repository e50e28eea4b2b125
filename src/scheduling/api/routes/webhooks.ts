import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../api-deps.ts';
import { DeliveryJson, errorResponses, IdParams, WebhookCreate, WebhookJson } from '../schemas.ts';
import { deliveryToJson, webhookToJson } from '../to-json.ts';

const tags = ['webhooks'];
// Webhooks carry booking data, so managing them takes the scope that reads bookings.
const SCOPE = 'read:bookings';

/** /webhooks: register (the signing secret is answered once), list, delete, delivery log. */
export async function webhookRoutes(app: FastifyInstance, { s, needs, hostOf }: ApiDeps): Promise<void> {
  const guard = needs(SCOPE);
  app.post<{ Body: Static<typeof WebhookCreate> }>('/webhooks', { preHandler: guard, schema: { summary: 'Register an HTTPS endpoint for booking events', tags, body: WebhookCreate, response: { 201: Type.Composite([WebhookJson, Type.Object({ secret: Type.String({ description: 'shown once: verify X-Caledee-Signature with it' }) })]), ...errorResponses } } }, async (request, reply) => {
    const host = await hostOf(request);
    const { webhook, secret } = await s.webhooks.create(host.userId, request.body);
    return reply.code(201).send({ ...webhookToJson(webhook), secret });
  });

  app.get('/webhooks', { preHandler: guard, schema: { summary: 'The host’s webhook endpoints', tags, response: { 200: Type.Object({ webhooks: Type.Array(WebhookJson) }), ...errorResponses } } }, async (request) => {
    const host = await hostOf(request);
    return { webhooks: (await s.webhooks.list(host.userId)).map(webhookToJson) };
  });

  app.delete<{ Params: Static<typeof IdParams> }>('/webhooks/:id', { preHandler: guard, schema: { summary: 'Remove an endpoint', tags, params: IdParams, response: { 204: Type.Null(), ...errorResponses } } }, async (request, reply) => {
    const host = await hostOf(request);
    await s.webhooks.delete(host.userId, request.params.id);
    return reply.code(204).send();
  });

  app.get<{ Params: Static<typeof IdParams> }>('/webhooks/:id/deliveries', { preHandler: guard, schema: { summary: 'The endpoint’s latest 50 deliveries', tags, params: IdParams, response: { 200: Type.Object({ deliveries: Type.Array(DeliveryJson) }), ...errorResponses } } }, async (request) => {
    const host = await hostOf(request);
    return { deliveries: (await s.webhooks.deliveries(host.userId, request.params.id)).map(deliveryToJson) };
  });
}
