import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { decodeJwt } from 'jose';
import { sendPage } from '../../ui/respond.ts';
import type { WebDeps } from '../web-deps.ts';
import { FlowCookie, newFlow } from './flow-cookie.ts';
import { maskParams } from './mask.ts';
import { recordCall } from './recorded-call.ts';
import { ensureTryClient } from './try-client.ts';
import { callbackProblemPage, elsewherePage, resultPage, startPage, type ResultView } from './try-pages.ts';

const CallbackQuery = Type.Object({
  code: Type.Optional(Type.String({ maxLength: 512 })),
  state: Type.Optional(Type.String({ maxLength: 512 })),
  iss: Type.Optional(Type.String({ maxLength: 2048 })),
  error: Type.Optional(Type.String({ maxLength: 128 })),
  error_description: Type.Optional(Type.String({ maxLength: 1024 })),
});

/**
 * GET /try starts the demo app's authorization (PKCE S256, state, nonce) and shows the request;
 * GET /try/callback finishes it and shows each exchange: code → tokens → UserInfo → an API.
 */
export async function tryRoutes(app: FastifyInstance, { kernel, oauth, root }: WebDeps): Promise<void> {
  const issuer = kernel.config.ISSUER;
  const cookie = new FlowCookie(kernel.secretKey, issuer.startsWith('https:'));
  const route = app.withTypeProvider<TypeBoxTypeProvider>();

  route.get('/try', { schema: { hide: true } }, async (request, reply) => {
    const client = await ensureTryClient({ kernel, oauth });
    // The loopback twin (see try-client.ts): the flow cookie must live where the callback lands.
    if (client.appBase !== issuer && request.host !== new URL(client.appBase).host)
      return sendPage(reply, 200, elsewherePage(`${client.appBase}/try`));
    const flow = newFlow();
    cookie.save(reply, flow);
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: client.clientId,
      redirect_uri: client.redirectUri,
      scope: client.scopes.join(' '),
      state: flow.state,
      nonce: flow.nonce,
      code_challenge: flow.challenge,
      code_challenge_method: 'S256',
    });
    return sendPage(
      reply,
      200,
      startPage({
        authorizeUrl: `${issuer}/oauth/authorize?${query}`,
        verifier: flow.verifier,
        challenge: flow.challenge,
        state: flow.state,
        scopes: client.scopes,
      }),
    );
  });

  route.get('/try/callback', { schema: { hide: true, querystring: CallbackQuery } }, async (request, reply) => {
    const flow = cookie.take(request, reply);
    if (!flow) {
      return sendPage(
        reply,
        400,
        callbackProblemPage(
          'Nothing to finish',
          'This browser has no sign-in in progress for the demo app (it was already finished, or it is more than 15 minutes old).',
        ),
      );
    }
    const { code, state, iss, error } = request.query;
    if (state !== flow.state) {
      return sendPage(
        reply,
        400,
        callbackProblemPage(
          'This answer is not for this browser',
          'The state in the answer does not match the one this browser sent, so the app ignores it. This is how apps stop someone from slipping their own sign-in into your browser.',
        ),
      );
    }
    const client = await ensureTryClient({ kernel, oauth });
    const shownQuery = maskParams(
      new URLSearchParams(
        Object.entries(request.query).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
      ),
      '\n&',
    );
    const view: ResultView = {
      callbackUrl: `/try/callback\n?${shownQuery}`,
      checks: [
        { ok: true, text: 'state matches the one this browser sent' },
        {
          ok: iss === issuer,
          text:
            iss === issuer
              ? `iss is ${issuer}, the server the app sent you to`
              : `iss is ${iss ?? '(missing)'}, not ${issuer}`,
        },
      ],
    };
    if (error || !code || iss !== issuer) {
      view.error = { code: error ?? 'invalid_response', description: request.query.error_description ?? null };
      return sendPage(reply, 200, resultPage(view));
    }

    const form = new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: client.redirectUri,
      client_id: client.clientId,
      code_verifier: flow.verifier,
    });
    view.token = await recordCall(root, issuer, { method: 'POST', path: '/oauth/token', form });
    const accessToken = typeof view.token.json?.access_token === 'string' ? view.token.json.access_token : undefined;
    const idToken = typeof view.token.json?.id_token === 'string' ? view.token.json.id_token : undefined;
    view.idTokenClaims = claimsOf(idToken);
    view.accessTokenClaims = claimsOf(accessToken);
    if (!accessToken) return sendPage(reply, 200, resultPage(view));

    view.userinfo = await recordCall(root, issuer, { method: 'GET', path: '/oauth/userinfo', bearer: accessToken });
    const probe = client.probe;
    if (probe) {
      view.product = root.hasRoute({ method: 'GET', url: probe.path })
        ? {
            api: probe.api,
            call: await recordCall(root, issuer, { method: 'GET', path: probe.path, bearer: accessToken }),
          }
        : {
            api: probe.api,
            absent: `The token is good for the ${probe.api} (see "aud" above), but this server does not serve GET ${probe.path} yet, so there is nothing to call.`,
          };
    }
    return sendPage(reply, 200, resultPage(view));
  });
}

/** A JWT's payload for display; the server already verified it, the page only explains it. */
function claimsOf(jwt: string | undefined): Record<string, unknown> | undefined {
  if (!jwt) return undefined;
  try {
    return decodeJwt(jwt);
  } catch {
    return undefined;
  }
}
