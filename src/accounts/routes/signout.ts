import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { clearSessionCookie, readSessionToken } from '../sessions/session-cookie.ts';
import type { RouteDeps } from './route-deps.ts';
import { seeOther } from '../../ui/respond.ts';
import { requireCsrf } from '../../ui/require-csrf.ts';

const SignoutBody = Type.Object({ csrf: Type.Optional(Type.String()) });

/** POST /signout: deletes the session row, clears the cookie, back to /signin. */
export async function signoutRoutes(app: FastifyInstance, { config, csrf, services }: RouteDeps): Promise<void> {
  const route = app.withTypeProvider<TypeBoxTypeProvider>();

  route.post(
    '/signout',
    { schema: { body: SignoutBody }, preValidation: requireCsrf(csrf) },
    async (request, reply) => {
      const token = readSessionToken(request);
      if (token) await services.signIn.signOut(token);
      clearSessionCookie(reply, config);
      return seeOther(reply, '/signin');
    },
  );
}
