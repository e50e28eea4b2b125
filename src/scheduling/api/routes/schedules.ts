import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../api-deps.ts';
import { errorResponses, ErrorBody, IdParams, ScheduleJson, ScheduleList, ScheduleWrite } from '../schemas.ts';
import { scheduleToJson } from '../to-json.ts';

const tags = ['availability'];

/** /schedules: weekly hours, date overrides, out-of-office, each schedule in its time zone. */
export async function scheduleRoutes(app: FastifyInstance, { s, needs, hostOf }: ApiDeps): Promise<void> {
  app.get(
    '/schedules',
    {
      preHandler: needs('read:availability'),
      schema: { summary: 'The host’s schedules', tags, response: { 200: ScheduleList, ...errorResponses } },
    },
    async (request) => {
      const host = await hostOf(request);
      return { schedules: (await s.schedules.list(host.userId)).map(scheduleToJson) };
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/schedules/:id',
    {
      preHandler: needs('read:availability'),
      schema: { summary: 'One schedule', tags, params: IdParams, response: { 200: ScheduleJson, ...errorResponses } },
    },
    async (request) => {
      const host = await hostOf(request);
      return scheduleToJson(await s.schedules.get(host.userId, request.params.id));
    },
  );

  app.post<{ Body: Static<typeof ScheduleWrite> }>(
    '/schedules',
    {
      preHandler: needs('write:availability'),
      schema: {
        summary: 'Create a schedule (default: Mon–Fri 09:00–17:00 in the host’s zone)',
        tags,
        body: ScheduleWrite,
        response: { 201: ScheduleJson, ...errorResponses },
      },
    },
    async (request, reply) => {
      const host = await hostOf(request);
      return reply.code(201).send(scheduleToJson(await s.schedules.create(host.userId, request.body)));
    },
  );

  app.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof ScheduleWrite> }>(
    '/schedules/:id',
    {
      preHandler: needs('write:availability'),
      schema: {
        summary: 'Edit a schedule; lists given replace the stored ones',
        tags,
        params: IdParams,
        body: ScheduleWrite,
        response: { 200: ScheduleJson, 409: ErrorBody, ...errorResponses },
      },
    },
    async (request) => {
      const host = await hostOf(request);
      return scheduleToJson(await s.schedules.update(host.userId, request.params.id, request.body));
    },
  );

  app.delete<{ Params: Static<typeof IdParams> }>(
    '/schedules/:id',
    {
      preHandler: needs('write:availability'),
      schema: {
        summary: 'Delete a schedule (not the default one)',
        tags,
        params: IdParams,
        response: { 204: Type.Null(), 409: ErrorBody, ...errorResponses },
      },
    },
    async (request, reply) => {
      const host = await hostOf(request);
      await s.schedules.delete(host.userId, request.params.id);
      return reply.code(204).send();
    },
  );
}
