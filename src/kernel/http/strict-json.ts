import { MalformedBody } from './malformed-body.ts';
import { NUL_REFUSED, parsedJsonHoldsNul } from './nul-characters.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * JSON.parse of a request body's bytes, with Fastify's default protections: invalid UTF-8, a
 * `__proto__` key and a `constructor.prototype` are refused (MalformedBody) instead of accepted,
 * and so is a string holding U+0000 (nul-characters.ts).
 */
export function parseStrictJson(bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new MalformedBody('the body is not valid UTF-8');
  }
  if (text.trim() === '') throw new MalformedBody('the JSON body is empty');
  let value: unknown;
  try {
    value = JSON.parse(text, refusePoison);
  } catch (error) {
    if (error instanceof MalformedBody) throw error;
    throw new MalformedBody(`the body is not valid JSON (${(error as Error).message})`);
  }
  if (parsedJsonHoldsNul(text, value)) throw new MalformedBody(NUL_REFUSED);
  return value;
}

function refusePoison(key: string, value: unknown): unknown {
  if (key === '__proto__') throw new MalformedBody('the body contains a forbidden __proto__ property');
  if (key === 'constructor' && value !== null && typeof value === 'object' && Object.hasOwn(value, 'prototype')) {
    throw new MalformedBody('the body contains a forbidden constructor.prototype property');
  }
  return value;
}
