import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { ApiDeps } from '../api-deps.ts';
import {
  errorResponses,
  ErrorBody,
  EventTypeCreate,
  EventTypeJson,
  EventTypeList,
  EventTypePatch,
  IdParams,
} from '../schemas.ts';
import { eventTypeToJson } from '../to-json.ts';

const tags = ['event types'];

/** /event-types: list, create, read, edit, delete. */
export async function eventTypeRoutes(app: FastifyInstance, { s, needs, hostOf, issuer }: ApiDeps): Promise<void> {
  app.get(
    '/event-types',
    {
      preHandler: needs('read:event-types'),
      schema: { summary: 'The host’s event types', tags, response: { 200: EventTypeList, ...errorResponses } },
    },
    async (request) => {
      const host = await hostOf(request);
      return { eventTypes: (await s.eventTypes.list(host.userId)).map((e) => eventTypeToJson(e, host.slug, issuer)) };
    },
  );

  app.post<{ Body: Static<typeof EventTypeCreate> }>(
    '/event-types',
    {
      preHandler: needs('write:event-types'),
      schema: {
        summary: 'Create an event type',
        tags,
        body: EventTypeCreate,
        response: { 201: EventTypeJson, 409: ErrorBody, ...errorResponses },
      },
    },
    async (request, reply) => {
      const host = await hostOf(request);
      const created = await s.eventTypes.create(host.userId, request.body);
      return reply.code(201).send(eventTypeToJson(created, host.slug, issuer));
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/event-types/:id',
    {
      preHandler: needs('read:event-types'),
      schema: {
        summary: 'One event type',
        tags,
        params: IdParams,
        response: { 200: EventTypeJson, ...errorResponses },
      },
    },
    async (request) => {
      const host = await hostOf(request);
      return eventTypeToJson(await s.eventTypes.get(host.userId, request.params.id), host.slug, issuer);
    },
  );

  app.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof EventTypePatch> }>(
    '/event-types/:id',
    {
      preHandler: needs('write:event-types'),
      schema: {
        summary: 'Edit an event type',
        tags,
        params: IdParams,
        body: EventTypePatch,
        response: { 200: EventTypeJson, 409: ErrorBody, ...errorResponses },
      },
    },
    async (request) => {
      const host = await hostOf(request);
      return eventTypeToJson(
        await s.eventTypes.update(host.userId, request.params.id, request.body),
        host.slug,
        issuer,
      );
    },
  );

  app.delete<{ Params: Static<typeof IdParams> }>(
    '/event-types/:id',
    {
      preHandler: needs('write:event-types'),
      schema: {
        summary: 'Delete an event type (its bookings stay)',
        tags,
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const host = await hostOf(request);
      await s.eventTypes.delete(host.userId, request.params.id);
      return reply.code(204).send();
    },
  );
}
