import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Accounts } from '../../accounts/index.ts';
import type { AuthorizationServer } from '../../oauth/index.ts';
import { MalformedBody } from '../../kernel/http/malformed-body.ts';
import type { Csrf } from '../../ui/csrf.ts';
import type { CsvWorker, HeldCsv } from '../sources/csv/parse-off-thread.ts';
import { ApiError } from '../errors.ts';
import type { LinkInput } from '../connections/link-input.ts';
import type { Portfolio } from '../portfolio.ts';
import type { FormFields } from './form-input.ts';
import { sendPage } from '../../ui/respond.ts';
import { FORM_EXPIRED, statusPage } from '../../ui/status-page.ts';

export interface PageDeps {
  oauth: AuthorizationServer;
  accounts: Accounts;
  csrf: Csrf;
  portfolio: Portfolio;
}

const uploads = new WeakMap<FastifyRequest, { worker: CsvWorker; held?: HeldCsv }>();

/**
 * Lets this scope's forms arrive as multipart/form-data (the CSV upload), up to
 * PORTFOLIO_CSV_MAX_BYTES plus 64 KiB for the other fields. The body moves to a CSV worker,
 * which parses it and keeps the CSV text (see heldCsv); the worker ends with the response.
 */
export function acceptMultipart(app: FastifyInstance, deps: PageDeps): void {
  const bodyLimit = deps.portfolio.settings.csvMaxBytes + 64 * 1024;
  app.addContentTypeParser(
    'multipart/form-data',
    { parseAs: 'buffer', bodyLimit },
    async (request: FastifyRequest, body: Buffer) => {
      const contentType = request.headers['content-type'] ?? '';
      if (!/boundary=/i.test(contentType)) throw new MalformedBody('the upload is missing its multipart boundary');
      const worker = deps.portfolio.connections.csvWorker();
      const upload: { worker: CsvWorker; held?: HeldCsv } = { worker };
      uploads.set(request, upload);
      const { fields, held } = await worker.holdForm(body, contentType);
      if (held !== undefined) upload.held = { worker, slot: held };
      return fields;
    },
  );
  const release = async (request: FastifyRequest) => {
    await uploads.get(request)?.worker.close();
    uploads.delete(request);
  };
  app.addHook('onResponse', release);
  app.addHook('onRequestAbort', release);
}

/** The CSV text of this request's upload form, kept by its worker. */
export function heldCsv(request: FastifyRequest): HeldCsv | undefined {
  return uploads.get(request)?.held;
}

export { sendPage } from '../../ui/respond.ts';

/** The form body, after checking its CSRF token; undefined (and a 403 page sent) when it fails. */
export function verifiedForm(deps: PageDeps, request: FastifyRequest, reply: FastifyReply): FormFields | undefined {
  const form = (request.body ?? {}) as FormFields;
  if (deps.csrf.verify(request, form.csrf)) return form;
  sendPage(reply, 403, statusPage(FORM_EXPIRED));
  return undefined;
}

/** Links, answering the messages to show when it did not work. */
export async function tryLink(
  deps: PageDeps,
  userId: string,
  input: LinkInput | string,
): Promise<{ errors: string[]; status: number }> {
  if (typeof input === 'string') return { errors: [input], status: 400 };
  try {
    // Linked, perhaps partly ("all networks" with a network that could not be asked): 200 and the reasons.
    const { errors } = await deps.portfolio.connections.link(userId, [input]);
    return { errors: errors.map((e) => e.message), status: errors.length ? 200 : 303 };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { errors: error.toItems().map((e) => e.message), status: error.status };
  }
}

/** Unlinks one of the person's connections; one already gone is fine (a double click). */
export async function removeConnection(deps: PageDeps, userId: string, connectionId: string): Promise<void> {
  try {
    await deps.portfolio.connections.unlink(userId, { connectionIds: [connectionId] });
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 404) throw error;
  }
}
