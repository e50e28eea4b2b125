import type { IncomingMessage } from 'node:http';
import { errorCodes, type FastifyInstance, type FastifyRequest } from 'fastify';
import { parseStrictJson } from '../../kernel/http/strict-json.ts';
import type { LinkInput } from '../connections/link-input.ts';
import type { CsvWorker, HeldCsv } from '../sources/csv/parse-off-thread.ts';

/** JSON bodies up to this size are parsed on the event loop (~1 ms); larger ones on a CSV worker. */
const INLINE_JSON_BYTES = 256 * 1024;

const uploads = new WeakMap<FastifyRequest, { worker: CsvWorker; held: Map<number, number> }>();

/**
 * Lets this scope's JSON bodies carry large CSV files without the event loop reading them: once a
 * body passes 256 KiB, its parts go to a CSV worker as they arrive (never gathered into one
 * buffer here: copying 10 MB at once held the loop ~13 ms), and the worker parses it and keeps
 * each CSV text; the handler gets the rest of the body (see withHeldCsv). The worker ends with
 * the response. Limits and errors are Fastify's own, as for any body it reads.
 */
export function acceptJsonWithCsv(
  scope: FastifyInstance,
  options: { bodyLimit: number; startWorker(): CsvWorker },
): void {
  // Replaces, in this scope only, the app's strict JSON parser (same rules: parseStrictJson).
  scope.removeContentTypeParser('application/json');
  scope.addContentTypeParser(
    'application/json',
    { bodyLimit: options.bodyLimit },
    async (request: FastifyRequest, payload: IncomingMessage) => {
      const declared = Number(request.headers['content-length']);
      if (declared > options.bodyLimit) throw new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE();
      let received = 0;
      let early: Buffer[] = [];
      let upload: { worker: CsvWorker; held: Map<number, number> } | undefined;
      try {
        for await (const chunk of payload as AsyncIterable<Buffer | string>) {
          const part = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
          received += part.length;
          if (received > options.bodyLimit) throw new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE();
          if (upload) upload.worker.addBodyPart(part);
          else if (received <= INLINE_JSON_BYTES) early.push(part);
          else {
            upload = { worker: options.startWorker(), held: new Map<number, number>() };
            uploads.set(request, upload);
            upload.worker.addBodyPart(Buffer.concat([...early, part]));
            early = [];
          }
        }
      } catch (error) {
        // The body broke off (the client went away, say): a 400, as Fastify answers it.
        const failure = error as Error & { statusCode?: number };
        if (!(typeof failure.statusCode === 'number' && failure.statusCode >= 400)) failure.statusCode = 400;
        throw failure;
      }
      if (!Number.isNaN(declared) && received !== declared) throw new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH();
      if (!upload) return parseStrictJson(Buffer.concat(early, received));
      const parsed = await upload.worker.holdJson();
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
