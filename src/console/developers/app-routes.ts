import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { InvalidClientMetadata, type Client, type NewClient } from '../../oauth/index.ts';
import { requireCsrf } from '../../ui/require-csrf.ts';
import { seeOther, sendPage } from '../../ui/respond.ts';
import { signedIn, toSignIn, type SignedIn } from '../signed-in.ts';
import { NOT_FOUND, statusPage } from '../../ui/status-page.ts';
import type { WebDeps } from '../web-deps.ts';
import {
  asSentence,
  blankAppForm,
  checkAppForm,
  formFieldOf,
  formOfClient,
  lifetimeLimits,
  readAppForm,
  type AppForm,
  type AppFormErrors,
} from './app-form.ts';
import type { AppFormView } from './app-form-page.ts';
import { appPage, deleteAppPage, newAppPage } from './app-pages.ts';
import type { Flash } from './flash.ts';

const AppBody = Type.Object({
  csrf: Type.Optional(Type.String()),
  name: Type.Optional(Type.String({ maxLength: 1000 })),
  type: Type.Optional(Type.String({ maxLength: 20 })),
  redirect_uris: Type.Optional(Type.String({ maxLength: 50_000 })),
  allowed_scopes: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 100 })),
  default_scopes: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 100 })),
  logo_uri: Type.Optional(Type.String({ maxLength: 5000 })),
  access_token_ttl: Type.Optional(Type.String({ maxLength: 30 })),
  refresh_token_ttl: Type.Optional(Type.String({ maxLength: 30 })),
  post_logout_redirect_uris: Type.Optional(Type.String({ maxLength: 50_000 })),
  backchannel_logout_uri: Type.Optional(Type.String({ maxLength: 5000 })),
  token_endpoint_auth_method: Type.Optional(Type.String({ maxLength: 40 })),
  jwks: Type.Optional(Type.String({ maxLength: 60_000 })),
  jwks_uri: Type.Optional(Type.String({ maxLength: 5000 })),
  require_pushed_authorization_requests: Type.Optional(Type.String({ maxLength: 5 })),
  dpop_bound_access_tokens: Type.Optional(Type.String({ maxLength: 5 })),
  fapi2: Type.Optional(Type.String({ maxLength: 5 })),
});
const AppParams = Type.Object({ id: Type.String({ maxLength: 200 }) });
const CsrfBody = Type.Object({ csrf: Type.Optional(Type.String()) });
const AppQuery = Type.Object({ saved: Type.Optional(Type.String({ maxLength: 5 })) });

/**
 * The person's apps: register, view (secret shown once), edit, rotate the secret, delete.
 * Someone else's app is a 404, exactly like one that does not exist.
 */
export async function appRoutes(
  app: FastifyInstance,
  { kernel, oauth, accounts, csrf }: WebDeps,
  flash: Flash,
): Promise<void> {
  const route = app.withTypeProvider<TypeBoxTypeProvider>();
  const guarded = { preValidation: requireCsrf(csrf) };
  const limits = lifetimeLimits(kernel.config);
  const formView = (
    request: FastifyRequest,
    reply: FastifyReply,
    form: AppForm,
    errors: AppFormErrors,
    action: string,
    editing: boolean,
  ): AppFormView => ({
    form,
    errors,
    action,
    editing,
    limits,
    registry: kernel.registry,
    csrfToken: csrf.token(request, reply),
  });

  /** The signed-in person and their app `id`, or the reply already sent (sign in, or 404). */
  async function ownApp(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    returnTo: string,
  ): Promise<{ who: SignedIn; client: Client } | { sent: FastifyReply }> {
    const who = await signedIn(accounts, request);
    if (!who) return { sent: toSignIn(reply, returnTo) };
    const client = await oauth.clients.findById(id);
    if (!client || client.ownerUserId !== who.user.id) return { sent: sendPage(reply, 404, statusPage(NOT_FOUND)) };
    return { who, client };
  }

  /** Runs a ClientService call; its InvalidClientMetadata becomes a message next to the right field. */
  async function attempt<T>(work: () => Promise<T>): Promise<{ value: T } | { errors: AppFormErrors }> {
    try {
      return { value: await work() };
    } catch (error) {
      if (!(error instanceof InvalidClientMetadata)) throw error;
      return { errors: { [formFieldOf(error.field)]: asSentence(error.message) } };
    }
  }

  route.get('/developers/apps/new', { schema: { hide: true } }, async (request, reply) => {
    const who = await signedIn(accounts, request);
    if (!who) return toSignIn(reply, '/developers/apps/new');
    return sendPage(
      reply,
      200,
      newAppPage(
        who.user,
        formView(
          request,
          reply,
          blankAppForm(kernel.registry.scopeNames().filter((s) => !kernel.registry.scope(s)?.requiresFapi2)),
          {},
          '/developers/apps',
          false,
        ),
      ),
    );
  });

  route.post('/developers/apps', { ...guarded, schema: { hide: true, body: AppBody } }, async (request, reply) => {
    const who = await signedIn(accounts, request);
    if (!who) return toSignIn(reply, '/developers/apps/new');
    const form = readAppForm(request.body);
    const refuse = (errors: AppFormErrors) =>
      sendPage(reply, 400, newAppPage(who.user, formView(request, reply, form, errors, '/developers/apps', false)));
    const checked = checkAppForm(form, limits, kernel.config.CLIENT_LOGO_ALLOW_LOOPBACK);
    if (!checked.fields) return refuse(checked.errors);
    const fields = checked.fields;
    const created = await attempt(() => oauth.clientService.create({ ...fields, ownerUserId: who.user.id }));
    if ('errors' in created) return refuse(created.errors);
    const { client, secret } = created.value;
    if (secret) flash.put(reply, 'client_secret', client.id, secret);
    request.log.info({ clientId: client.id, userId: who.user.id }, 'app registered in the developer console');
    return seeOther(reply, `/developers/apps/${encodeURIComponent(client.id)}`);
  });

  route.get(
    '/developers/apps/:id',
    { schema: { hide: true, params: AppParams, querystring: AppQuery } },
    async (request, reply) => {
      const owned = await ownApp(
        request,
        reply,
        request.params.id,
        `/developers/apps/${encodeURIComponent(request.params.id)}`,
      );
      if ('sent' in owned) return owned.sent;
      const { who, client } = owned;
      const secret = flash.take(request, reply, 'client_secret', client.id)?.value;
      const form = formView(
        request,
        reply,
        formOfClient(client),
        {},
        `/developers/apps/${encodeURIComponent(client.id)}`,
        true,
      );
      return sendPage(
        reply,
        200,
        appPage({ user: who.user, client, form, secret, saved: request.query.saved === '1' }),
      );
    },
  );

  route.post(
    '/developers/apps/:id',
    { ...guarded, schema: { hide: true, params: AppParams, body: AppBody } },
    async (request, reply) => {
      const owned = await ownApp(request, reply, request.params.id, '/developers');
      if ('sent' in owned) return owned.sent;
      const { who, client } = owned;
      const form = { ...readAppForm(request.body), type: client.type };
      const action = `/developers/apps/${encodeURIComponent(client.id)}`;
      const refuse = (errors: AppFormErrors) =>
        sendPage(
          reply,
          400,
          appPage({ user: who.user, client, form: formView(request, reply, form, errors, action, true) }),
        );
      const checked = checkAppForm(form, limits, kernel.config.CLIENT_LOGO_ALLOW_LOOPBACK);
      if (!checked.fields) return refuse(checked.errors);
      const changes: NewClient = {
        ...checked.fields,
        type: client.type,
        grantTypes: client.grantTypes,
        allowPlainPkce: client.allowPlainPkce,
        backchannelLogoutSessionRequired: client.backchannelLogoutSessionRequired,
        ownerUserId: who.user.id,
      };
      const updated = await attempt(() => oauth.clientService.update(client.id, changes));
      if ('errors' in updated) return refuse(updated.errors);
      return seeOther(reply, `${action}?saved=1`);
    },
  );

  route.post(
    '/developers/apps/:id/rotate-secret',
    { ...guarded, schema: { hide: true, params: AppParams, body: CsrfBody } },
    async (request, reply) => {
      const owned = await ownApp(request, reply, request.params.id, '/developers');
      if ('sent' in owned) return owned.sent;
      if (owned.client.type !== 'confidential') return sendPage(reply, 404, statusPage(NOT_FOUND));
      const secret = await oauth.clientService.rotateSecret(owned.client.id);
      flash.put(reply, 'client_secret', owned.client.id, secret);
      request.log.info(
        { clientId: owned.client.id, userId: owned.who.user.id },
        'client secret rotated in the developer console',
      );
      return seeOther(reply, `/developers/apps/${encodeURIComponent(owned.client.id)}`);
    },
  );

  route.get('/developers/apps/:id/delete', { schema: { hide: true, params: AppParams } }, async (request, reply) => {
    const owned = await ownApp(
      request,
      reply,
      request.params.id,
      `/developers/apps/${encodeURIComponent(request.params.id)}/delete`,
    );
    if ('sent' in owned) return owned.sent;
    return sendPage(reply, 200, deleteAppPage(owned.who.user, owned.client, csrf.token(request, reply)));
  });

  route.post(
    '/developers/apps/:id/delete',
    { ...guarded, schema: { hide: true, params: AppParams, body: CsrfBody } },
    async (request, reply) => {
      const owned = await ownApp(request, reply, request.params.id, '/developers');
      if ('sent' in owned) return owned.sent;
      // Grants, codes and token families go with the row (ON DELETE CASCADE); resource servers
      // treat a vanished family as revoked (within REVOCATION_CACHE_MS on other nodes).
      await oauth.deleteClient(owned.client.id);
      request.log.info(
        { clientId: owned.client.id, userId: owned.who.user.id },
        'app deleted in the developer console',
      );
      return seeOther(reply, '/developers?deleted=app');
    },
  );
}
