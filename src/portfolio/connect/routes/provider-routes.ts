import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { FieldErrors } from '../../../ui/field-errors.ts';
import { statusPage, NOT_FOUND } from '../../../ui/status-page.ts';
import { ApiError } from '../../errors.ts';
import type { LinkInput } from '../../connections/link-input.ts';
import type { FormFields } from '../form-input.ts';
import { linkBase, linkContext, widgetFrame, type LinkContext } from '../link-context.ts';
import { heldCsv, sendPage, verifiedForm, type PageDeps } from '../page-deps.ts';
import { ANY_WALLET } from '../picker-entries.ts';
import { providerPage, providerPageKind, type ProviderForm } from '../views/provider-view.ts';
import { sentence } from '../views/sentence.ts';
import { chooseWalletNetwork } from '../wallet-network.ts';

const Params = Type.Object({ id: Type.String({ maxLength: 64 }) });
const ProviderParams = Type.Object({ id: Type.String({ maxLength: 64 }), provider: Type.String({ maxLength: 64 }) });

const notFound = (reply: FastifyReply, found: LinkContext) =>
  sendPage(reply, 404, statusPage({ ...NOT_FOUND, link: { href: linkBase(found.id), text: 'See every provider' } }));

/** What a link attempt came to: the connections made, or the problems to show beside the form. */
type Attempt = { linked: string[]; partial: boolean } | { problems: string[]; status: number };

/**
 * The "Link" step: GET /connect/link/:id/provider/:provider shows one provider's form; the
 * forms post to …/wallet, …/exchange, …/csv and …/oauth/:provider. A refused form comes back
 * with what was typed, the field marked and focused; a linked one goes on to the progress page.
 */
export function providerRoutes(fastify: FastifyInstance, deps: PageDeps): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { catalog } = deps.portfolio;

  async function render(
    request: FastifyRequest,
    reply: FastifyReply,
    found: LinkContext,
    entryId: string,
    status: number,
    form?: ProviderForm,
  ) {
    const kind = providerPageKind(entryId, catalog.find(entryId));
    if (!kind) return notFound(reply, found);
    const frame = await widgetFrame(deps, found, request, reply);
    return sendPage(reply, status, providerPage(frame, catalog, entryId, kind, form));
  }

  /** Links one input; on success the person watches it sync. */
  async function linkAndGo(found: LinkContext, input: LinkInput): Promise<Attempt> {
    try {
      const { results, errors } = await deps.portfolio.connections.link(found.userId, [input]);
      const linked = results.flatMap((r) =>
        r.networks ? r.networks.map((n) => n.connection_id) : (r.connection_id ?? []),
      );
      return { linked, partial: errors.length > 0 };
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      return { problems: error.toItems().map((e) => sentence(e.message)), status: error.status };
    }
  }

  function toProgress(reply: FastifyReply, found: LinkContext, attempt: { linked: string[]; partial: boolean }) {
    const query = new URLSearchParams({ linked: attempt.linked.slice(0, 20).join(',') });
    if (attempt.partial) query.set('partial', '1');
    return reply.redirect(`${linkBase(found.id)}/progress?${query}`, 303);
  }

  app.get(
    '/connect/link/:id/provider/:provider',
    { schema: { params: ProviderParams, hide: true } },
    async (request, reply) => {
      const found = await linkContext(deps, request.params.id, request, reply);
      if ('sent' in found) return found.sent;
      return render(request, reply, found, request.params.provider, 200);
    },
  );

  app.post('/connect/link/:id/wallet', { schema: { params: Params, hide: true } }, async (request, reply) => {
    const form = verifiedForm(deps, request, reply);
    if (!form) return reply;
    const found = await linkContext(deps, request.params.id, request, reply);
    if ('sent' in found) return found.sent;
    const entry = form.entry && (form.entry === ANY_WALLET || catalog.find(form.entry)) ? form.entry : ANY_WALLET;
    const address = form.address?.trim() ?? '';
    const again = (status: number, errors: FieldErrors, values: FormFields = form) =>
      render(request, reply, found, entry, status, { values, errors });
    if (!address) return again(400, { 'wallet-address': 'Enter the wallet’s address or ENS name.' });
    const network = chooseWalletNetwork(catalog, address, form.provider_id);
    // A secret typed by mistake is never sent back into the page.
    if (network.outcome === 'refuse')
      return again(400, { 'wallet-address': network.message }, network.secret ? { ...form, address: '' } : form);
    if (network.outcome === 'suggest')
      return again(400, { 'wallet-network': network.message }, { ...form, provider_id: network.providerId });
    const label = form.display_label?.trim();
    const attempt = await linkAndGo(found, {
      provider_id: network.providerId,
      ...(label ? { display_label: label } : {}),
      connection: { type: 'wallet', address },
    });
    if ('linked' in attempt) return toProgress(reply, found, attempt);
    return again(
      attempt.status,
      { 'wallet-address': attempt.problems.join(' ') },
      {
        ...form,
        provider_id: network.providerId,
      },
    );
  });

  app.post('/connect/link/:id/exchange', { schema: { params: Params, hide: true } }, async (request, reply) => {
    const form = verifiedForm(deps, request, reply);
    if (!form) return reply;
    const found = await linkContext(deps, request.params.id, request, reply);
    if ('sent' in found) return found.sent;
    const provider = form.provider_id ? catalog.find(form.provider_id) : undefined;
    if (!provider?.apiKey) return notFound(reply, found);
    const [apiKey, secret, passphrase] = [form.api_key?.trim(), form.secret_key?.trim(), form.passphrase?.trim()];
    const errors: FieldErrors = {};
    if (!apiKey) errors['api-key'] = `Enter the API key from ${provider.name}.`;
    if (!secret) errors['secret-key'] = `Enter the secret key ${provider.name} showed with it.`;
    if (provider.apiKey.passphrase && !passphrase) errors.passphrase = 'Enter the passphrase you set for this key.';
    const again = (status: number, problems: FieldErrors) =>
      render(request, reply, found, provider.providerId, status, { values: form, errors: problems });
    if (Object.keys(errors).length) return again(400, errors);
    const label = form.display_label?.trim();
    const attempt = await linkAndGo(found, {
      provider_id: provider.providerId,
      ...(label ? { display_label: label } : {}),
      connection: {
        type: 'api_key',
        api_key: apiKey!,
        secret_key: secret!,
        ...(passphrase ? { passphrase } : {}),
      },
    });
    if ('linked' in attempt) return toProgress(reply, found, attempt);
    return again(attempt.status, { 'api-key': attempt.problems.join(' ') });
  });

  app.post('/connect/link/:id/csv', { schema: { params: Params, hide: true } }, async (request, reply) => {
    const form = verifiedForm(deps, request, reply);
    if (!form) return reply;
    const found = await linkContext(deps, request.params.id, request, reply);
    if ('sent' in found) return found.sent;
    const held = heldCsv(request);
    const pasted = form.content?.trim() ? form.content : undefined;
    // The field the problem is about: the text when it was pasted, else the file.
    const field = !held && pasted ? 'csv-content' : 'csv-file';
    const again = (status: number, message: string) =>
      render(request, reply, found, 'csv', status, { values: form, errors: { [field]: message } });
    const content = held ?? pasted ?? (form.file?.trim() ? form.file : undefined);
    if (content === undefined) return again(400, 'Choose a CSV file, or paste its text below.');
    const label = form.display_label?.trim();
    const attempt = await linkAndGo(found, {
      provider_id: 'csv',
      ...(label ? { display_label: label } : {}),
      connection: { type: 'csv', content, ...(form.format ? { format: form.format } : {}) },
    });
    if ('linked' in attempt) return toProgress(reply, found, attempt);
    return again(attempt.status, attempt.problems.join(' '));
  });

  // "Continue with <exchange>": a pending link, then the exchange's own consent page; the
  // exchange sends the person back to the progress page (see the callback in connect-routes.ts).
  app.post(
    '/connect/link/:id/oauth/:provider',
    { schema: { params: ProviderParams, hide: true } },
    async (request, reply) => {
      if (!verifiedForm(deps, request, reply)) return reply;
      const found = await linkContext(deps, request.params.id, request, reply);
      if ('sent' in found) return found.sent;
      const { provider } = request.params;
      try {
        const { results } = await deps.portfolio.connections.link(found.userId, [
          { provider_id: provider, connection: { type: 'oauth2', return_to: `${linkBase(found.id)}/progress` } },
        ]);
        const url = results[0]?.redirect_url;
        if (url) return reply.redirect(url, 303);
        return render(request, reply, found, provider, 400, {
          values: {},
          errors: { form: 'This exchange does not link through its own sign-in here; use a read-only API key below.' },
        });
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        const messages = error.toItems().map((e) => sentence(e.message));
        return render(request, reply, found, provider, error.status, {
          values: {},
          errors: { form: messages.join(' ') },
        });
      }
    },
  );
}
