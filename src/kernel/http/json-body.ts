import type { FastifyInstance } from 'fastify';
import { MalformedBody } from './malformed-body.ts';
import { NUL_REFUSED, parsedJsonHoldsNul } from './nul-characters.ts';

/**
 * application/json bodies must be valid UTF-8 (RFC 8259 §8.1): Fastify's own parser decodes
 * leniently and would store U+FFFD for every bad byte. Bytes are decoded strictly, then handed
 * to Fastify's parser (which keeps its prototype-poisoning checks and empty-body error). A
 * string holding U+0000 is refused too (nul-characters.ts).
 */
export function registerStrictJsonBody(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  const decoder = new TextDecoder('utf-8', { fatal: true });
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = decoder.decode(body as Buffer);
    } catch {
      done(new MalformedBody('the JSON body is not valid UTF-8'), undefined);
      return;
    }
    parseJson(request, text, (error, value) => {
      if (error) done(error, undefined);
      else if (parsedJsonHoldsNul(text, value)) done(new MalformedBody(NUL_REFUSED), undefined);
      else done(null, value);
    });
  });
}
