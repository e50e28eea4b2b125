import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { InvalidName, InvalidTimeZone, ProfileInvalid } from '../../accounts/index.ts';
import { requireCsrf } from '../../ui/require-csrf.ts';
import { seeOther, sendPage } from '../../ui/respond.ts';
import { signedIn, toSignIn } from '../signed-in.ts';
import { NOT_FOUND, statusPage } from '../../ui/status-page.ts';
import type { WebDeps } from '../web-deps.ts';
import { profilePage, type ProfileForm } from './profile-page.ts';
import { profileScriptRoute } from './profile-script.ts';

const ProfileBody = Type.Object({
  csrf: Type.Optional(Type.String()),
  name: Type.Optional(Type.String({ maxLength: 1000 })),
  time_zone: Type.Optional(Type.String({ maxLength: 200 })),
});
const SessionParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
const CsrfBody = Type.Object({ csrf: Type.Optional(Type.String()) });

/**
 * /account/profile (edit name and time zone, the zone suggested from the browser by its script)
 * and the sign-out buttons of the sessions list.
 * Saving answers 303 back to /account; a refused value re-renders the form with 400.
 */
export async function accountRoutes(app: FastifyInstance, { accounts, csrf }: WebDeps): Promise<void> {
  const route = app.withTypeProvider<TypeBoxTypeProvider>();
  const guarded = { preValidation: requireCsrf(csrf) };
  await profileScriptRoute(app);

  route.get('/account/profile', { schema: { hide: true } }, async (request, reply) => {
    const who = await signedIn(accounts, request);
    if (!who) return toSignIn(reply, '/account/profile');
    const values = { name: who.user.name ?? '', timeZone: who.user.timeZone ?? '' };
    return sendPage(reply, 200, profilePage({ user: who.user, csrfToken: csrf.token(request, reply), values }));
  });

  route.post('/account/profile', { ...guarded, schema: { hide: true, body: ProfileBody } }, async (request, reply) => {
    const who = await signedIn(accounts, request);
    if (!who) return toSignIn(reply, '/account/profile');
    const values: ProfileForm = { name: request.body.name ?? '', timeZone: request.body.time_zone ?? '' };
    try {
      await accounts.users.updateProfile(who.user.id, values);
      return seeOther(reply, '/account?saved=profile');
    } catch (error) {
      if (!(error instanceof ProfileInvalid)) throw error;
      const errors: Partial<Record<keyof ProfileForm, string>> = {};
      for (const problem of error.problems) {
        if (problem instanceof InvalidName) errors.name = problem.message;
        else if (problem instanceof InvalidTimeZone) errors.timeZone = problem.message;
      }
      return sendPage(
        reply,
        400,
        profilePage({ user: who.user, csrfToken: csrf.token(request, reply), values, errors }),
      );
    }
  });

  route.post(
    '/account/sessions/:id/signout',
    { ...guarded, schema: { hide: true, params: SessionParams, body: CsrfBody } },
    async (request, reply) => {
      const who = await signedIn(accounts, request);
      if (!who) return toSignIn(reply, '/account');
      // The current browser signs out with the main button (/signout), which also clears its cookie.
      if (
        request.params.id === who.session.sessionId ||
        !(await accounts.sessions.signOut(who.user.id, request.params.id))
      ) {
        return sendPage(reply, 404, statusPage(NOT_FOUND));
      }
      return seeOther(reply, '/account?signed_out=one#sessions-heading');
    },
  );

  route.post(
    '/account/sessions/signout-others',
    { ...guarded, schema: { hide: true, body: CsrfBody } },
    async (request, reply) => {
      const who = await signedIn(accounts, request);
      if (!who) return toSignIn(reply, '/account');
      const ended = await accounts.sessions.signOutOthers(who.user.id, who.session.sessionId);
      request.log.info({ userId: who.user.id, ended }, 'signed out everywhere else');
      return seeOther(reply, '/account?signed_out=others#sessions-heading');
    },
  );
}
