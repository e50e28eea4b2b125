import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parseStrictJson } from '../../kernel/http/strict-json.ts';
import type { LinkInput } from '../connections/link-input.ts';
import type { CsvWorker, HeldCsv } from '../sources/csv/parse-off-thread.ts';

/** JSON bodies up to this size are parsed on the event loop (~1 ms); larger ones on a CSV worker. */
const INLINE_JSON_BYTES = 256 * 1024;

const uploads = new WeakMap<FastifyRequest, { worker: CsvWorker; held: Map<number, number> }>();

/**
 * Lets this scope's JSON bodies carry large CSV files without the event loop reading them: a
 * body over 256 KiB moves (without a copy) to a CSV worker, which parses it and keeps each CSV
 * text; the handler gets the rest of the body (see withHeldCsv). The worker ends with the response.
 */
export function acceptJsonWithCsv(
  scope: FastifyInstance,
  options: { bodyLimit: number; startWorker(): CsvWorker },
): void {
  // Replaces, in this scope only, the app's strict JSON parser (same rules: parseStrictJson).
  scope.removeContentTypeParser('application/json');
  scope.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit: options.bodyLimit },
    async (request: FastifyRequest, body: Buffer) => {
      if (body.length <= INLINE_JSON_BYTES) return parseStrictJson(body);
      const worker = options.startWorker();
      const upload = { worker, held: new Map<number, number>() };
      uploads.set(request, upload);
      const parsed = await worker.holdJson(body);
      for (const [index, slot] of parsed.held) upload.held.set(index, slot);
      return parsed.body;
    },
  );
  const release = async (request: FastifyRequest) => {
    await uploads.get(request)?.worker.close();
    uploads.delete(request);
  };
  scope.addHook('onResponse', release);
  scope.addHook('onRequestAbort', release);
}

/** The link inputs with each CSV text the worker kept put back, as a handle to it. */
export function withHeldCsv(request: FastifyRequest, inputs: LinkInput[]): LinkInput[] {
  const upload = uploads.get(request);
  if (!upload) return inputs;
  return inputs.map((input, index) => {
    const slot = upload.held.get(index);
    if (slot === undefined || input.connection.type !== 'csv') return input;
    const content: HeldCsv = { worker: upload.worker, slot };
    return { ...input, connection: { ...input.connection, content } };
  });
}
