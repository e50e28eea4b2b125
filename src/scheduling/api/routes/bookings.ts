import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { bookingToJson } from '../../bookings/booking-json.ts';
import { Problems } from '../../errors.ts';
import type { ApiDeps } from '../api-deps.ts';
import { readQueryTime } from '../query-time.ts';
import {
  BookingCreate,
  BookingJsonSchema,
  BookingListQuery,
  BookingPage,
  CancelQuery,
  ErrorBody,
  errorResponses,
  IdParams,
  RescheduleBody,
} from '../schemas.ts';

const tags = ['bookings'];

/** /bookings: list (cursor paging), read, book, cancel (idempotent), reschedule. */
export async function bookingRoutes(app: FastifyInstance, { s, needs, hostOf }: ApiDeps): Promise<void> {
  app.get<{ Querystring: Static<typeof BookingListQuery> }>(
    '/bookings',
    {
      preHandler: needs('read:bookings'),
      schema: {
        summary: 'Bookings, newest first; pass nextCursor back as cursor',
        tags,
        querystring: BookingListQuery,
        response: { 200: BookingPage, ...errorResponses },
      },
    },
    async (request) => {
      const host = await hostOf(request);
      const q = request.query;
      const problems = new Problems();
      const from = readQueryTime(problems, 'from', q.from, 'UTC', 'from');
      const to = readQueryTime(problems, 'to', q.to, 'UTC', 'to');
      problems.throwIfAny();
      const page = await s.bookings.list(host.userId, { status: q.status, from, to, limit: q.limit, cursor: q.cursor });
      return { bookings: page.bookings.map(bookingToJson), nextCursor: page.nextCursor };
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/bookings/:id',
    {
      preHandler: needs('read:bookings'),
      schema: {
        summary: 'One booking',
        tags,
        params: IdParams,
        response: { 200: BookingJsonSchema, ...errorResponses },
      },
    },
    async (request) => {
      const host = await hostOf(request);
      return bookingToJson(await s.bookings.get(host.userId, request.params.id));
    },
  );

  app.post<{ Body: Static<typeof BookingCreate> }>(
    '/bookings',
    {
      preHandler: needs('write:bookings'),
      schema: {
        summary: 'Book a free slot on one of the host’s event types',
        tags,
        body: BookingCreate,
        response: { 201: BookingJsonSchema, 409: ErrorBody, ...errorResponses },
      },
    },
    async (request, reply) => {
      const host = await hostOf(request);
      const { eventTypeId, ...input } = request.body;
      return reply.code(201).send(bookingToJson(await s.bookings.createForHost(host.userId, eventTypeId, input)));
    },
  );

  app.delete<{ Params: Static<typeof IdParams>; Querystring: Static<typeof CancelQuery> }>(
    '/bookings/:id',
    {
      preHandler: needs('write:bookings'),
      schema: {
        summary: 'Cancel a booking (idempotent: a second cancel answers the same)',
        tags,
        params: IdParams,
        querystring: CancelQuery,
        response: { 200: BookingJsonSchema, ...errorResponses },
      },
    },
    async (request) => {
      const host = await hostOf(request);
      return bookingToJson(await s.bookings.cancel(host.userId, request.params.id, request.query.reason));
    },
  );

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof RescheduleBody> }>(
    '/bookings/:id/reschedule',
    {
      preHandler: needs('write:bookings'),
      schema: {
        summary: 'Move a booking: a new booking is made and the old one canceled with reason "Rescheduled."',
        tags,
        params: IdParams,
        body: RescheduleBody,
        response: { 201: BookingJsonSchema, 409: ErrorBody, ...errorResponses },
      },
    },
    async (request, reply) => {
      const host = await hostOf(request);
      return reply
        .code(201)
        .send(bookingToJson(await s.bookings.reschedule(host.userId, request.params.id, request.body)));
    },
  );
}
