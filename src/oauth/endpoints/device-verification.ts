import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Accounts, SignedInSession } from '../../accounts/index.ts';
import type { OAuthContext } from '../oauth-context.ts';
import type { Csrf } from '../../ui/csrf.ts';
import { perIpLimit } from '../../kernel/http/rate-limit.ts';
import { VERIFICATION_PATH, type DeviceFlow, type UserCodeLookup } from '../device/device-flow.ts';
import { consentPage } from '../pages/consent-page.ts';
import { deviceCodePage, deviceDonePage } from '../pages/device-page.ts';
import { requireCsrf } from '../../ui/require-csrf.ts';
import { seeOther, sendPage } from '../../ui/respond.ts';
import { statusPage } from '../../ui/status-page.ts';

const CodeQuery = Type.Object({ user_code: Type.Optional(Type.String({ maxLength: 64 })) });
const CodeForm = Type.Object({
  csrf: Type.Optional(Type.String({ maxLength: 200 })),
  user_code: Type.Optional(Type.String({ maxLength: 64 })),
});
const DecisionForm = Type.Object({
  csrf: Type.Optional(Type.String({ maxLength: 200 })),
  request: Type.Optional(Type.String({ maxLength: 64 })),
  decision: Type.Optional(Type.String({ maxLength: 20 })),
});

/** Why a typed code leads nowhere, in the person's words. */
const LOOKUP_ERRORS: Record<Exclude<UserCodeLookup['kind'], 'found'>, string> = {
  malformed: 'A code is 8 letters, like BCDF-GHJK. Check the code on your device and try again.',
  unknown: 'No device is waiting with that code. Check the code on your device and try again.',
  expired: 'That code has expired. Start again on your device to get a new one.',
  used: 'That code was already used. If your device is still waiting, start again on it to get a new code.',
};

const START_AGAIN = {
  link: { href: VERIFICATION_PATH, text: 'Enter another code' },
  hint: 'Codes work once, for a few minutes. Your device can show a new one.',
};

/**
 * The verification page of the device flow (RFC 8628 §3.3). GET /device asks for the code
 * (pre-filled from verification_uri_complete; nothing is looked up on a GET, so a link alone
 * never opens a consent screen); POST /device finds the request (rate-limited per IP: user
 * codes are short) and shows the consent screen; POST /device/consent records the decision.
 * Every step needs a signed-in person: without one, sign-in comes first and comes back here.
 */
export async function deviceVerificationEndpoints(
  app: FastifyInstance,
  ctx: OAuthContext,
  flow: DeviceFlow,
  accounts: Accounts,
  csrf: Csrf,
): Promise<void> {
  const route = app.withTypeProvider<TypeBoxTypeProvider>();
  const pageOptions = { hide: true };

  /** The person on this request, or undefined after answering with the way to sign in. */
  async function signedIn(
    request: FastifyRequest,
    reply: FastifyReply,
    typed: string | undefined,
  ): Promise<{ session: SignedInSession; signedInAs: string } | undefined> {
    const session = await accounts.sessions.current(request);
    const user = session && (await accounts.users.findById(session.userId));
    if (session && user) return { session, signedInAs: user.email ?? user.phone ?? '' };
    const back = typed
      ? `${VERIFICATION_PATH}?${new URLSearchParams({ user_code: typed }).toString()}`
      : VERIFICATION_PATH;
    await seeOther(reply, `/signin?${new URLSearchParams({ return_to: back }).toString()}`);
    return undefined;
  }

  route.get(
    VERIFICATION_PATH,
    { schema: { ...pageOptions, querystring: CodeQuery }, config: { htmlErrors: true } },
    async (request, reply) => {
      const typed = request.query.user_code;
      const person = await signedIn(request, reply, typed);
      if (!person) return reply;
      const csrfToken = csrf.token(request, reply);
      return sendPage(reply, 200, deviceCodePage({ csrfToken, signedInAs: person.signedInAs, userCode: typed }));
    },
  );

  route.post(
    VERIFICATION_PATH,
    {
      schema: { ...pageOptions, body: CodeForm },
      preValidation: requireCsrf(csrf),
      config: { htmlErrors: true, ...perIpLimit(ctx.config.DEVICE_CODE_ENTRY_RATE_LIMIT_PER_MINUTE) },
    },
    async (request, reply) => {
      const typed = request.body.user_code?.trim() ?? '';
      const person = await signedIn(request, reply, typed);
      if (!person) return reply;
      const csrfToken = csrf.token(request, reply);
      const found = await flow.lookUp(typed);
      if (found.kind !== 'found') {
        request.log.info({ outcome: found.kind }, 'device flow: a user code led nowhere');
        const error = LOOKUP_ERRORS[found.kind];
        return sendPage(
          reply,
          400,
          deviceCodePage({ csrfToken, signedInAs: person.signedInAs, userCode: typed, error }),
        );
      }
      const view = {
        client: found.client,
        scopes: found.authorization.scopes,
        csrfToken,
        signedInAs: person.signedInAs,
        device: { requestId: found.authorization.id, userCode: found.userCode },
      };
      return sendPage(reply, 200, consentPage(view, ctx.registry));
    },
  );

  route.post(
    `${VERIFICATION_PATH}/consent`,
    { schema: { ...pageOptions, body: DecisionForm }, preValidation: requireCsrf(csrf), config: { htmlErrors: true } },
    async (request, reply) => {
      const person = await signedIn(request, reply, undefined);
      if (!person) return reply;
      const { decision, request: requestId } = request.body;
      if ((decision !== 'approve' && decision !== 'deny') || !requestId)
        return sendPage(
          reply,
          400,
          statusPage({ title: 'Please choose', message: 'Choose Allow or Deny.', ...START_AGAIN }),
        );
      const outcome = await flow.decide(requestId, decision, person.session);
      if (outcome === 'approved' || outcome === 'denied') {
        request.log.info({ outcome }, 'device flow: the person decided');
        return seeOther(reply, `${VERIFICATION_PATH}/${outcome}`);
      }
      const title = outcome === 'expired' ? 'This request has expired' : 'This code was already used';
      return sendPage(reply, 400, statusPage({ title, message: LOOKUP_ERRORS[outcome], ...START_AGAIN }));
    },
  );

  for (const outcome of ['approved', 'denied'] as const) {
    route.get(`${VERIFICATION_PATH}/${outcome}`, { schema: pageOptions }, async (request, reply) => {
      const session = await accounts.sessions.current(request);
      const user = session && (await accounts.users.findById(session.userId));
      return sendPage(reply, 200, deviceDonePage(outcome, user?.email ?? user?.phone ?? ''));
    });
  }
}
