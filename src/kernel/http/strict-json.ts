/** A request body that cannot be read: answered 400 with its message. */
export class BodyError extends Error {
  readonly statusCode = 400;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * JSON.parse of a request body's bytes, with Fastify's default protections: invalid UTF-8, a
 * `__proto__` key and a `constructor.prototype` are refused (BodyError) instead of accepted.
 */
export function parseStrictJson(bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new BodyError('the body is not valid UTF-8');
  }
  if (text.trim() === '') throw new BodyError('the JSON body is empty');
  try {
    return JSON.parse(text, refusePoison);
  } catch (error) {
    if (error instanceof BodyError) throw error;
    throw new BodyError(`the body is not valid JSON (${(error as Error).message})`);
  }
}

function refusePoison(key: string, value: unknown): unknown {
  if (key === '__proto__') throw new BodyError('the body contains a forbidden __proto__ property');
  if (key === 'constructor' && value !== null && typeof value === 'object' && Object.hasOwn(value, 'prototype')) {
    throw new BodyError('the body contains a forbidden constructor.prototype property');
  }
  return value;
}
