import type { FastifyRequest } from 'fastify';
import { InvalidRequest } from '../errors.ts';

const MAX_VALUE_LENGTH = 4096;
/** RFC 8707 lets `resource` repeat; a request names a few resource servers, not a crowd. */
const MAX_RESOURCES = 10;
/** JWTs carrying a whole request (RFC 9101) or signed with RSA keys run longer than other values. */
export const MAX_JWT_PARAM_LENGTH = 16_384;
const JWT_PARAMS = new Set(['request', 'client_assertion']);

export interface ReadParams {
  single: Record<string, string | undefined>;
  resource: string[];
}

/**
 * Reads form or query parameters: every parameter at most once (RFC 6749 §3.1, §3.2), except
 * `resource` (RFC 8707); values bounded in length. Empty values count as absent (RFC 6749 §3.1).
 */
export function readParams(source: unknown, repeatable: readonly string[] = ['resource']): ReadParams {
  const single: Record<string, string | undefined> = {};
  const resource: string[] = [];
  if (source === undefined || source === null) return { single, resource };
  if (typeof source !== 'object') throw new InvalidRequest('parameters must be form-encoded');
  for (const [name, raw] of Object.entries(source as Record<string, unknown>)) {
    const values = Array.isArray(raw) ? raw : [raw];
    for (const value of values) {
      if (typeof value !== 'string') throw new InvalidRequest(`${name} must be a string`);
      if (value.length > (JWT_PARAMS.has(name) ? MAX_JWT_PARAM_LENGTH : MAX_VALUE_LENGTH))
        throw new InvalidRequest(`${name} is too long`);
    }
    const present = (values as string[]).filter((v) => v !== '');
    if (repeatable.includes(name)) {
      resource.push(...present);
      if (resource.length > MAX_RESOURCES) throw new InvalidRequest(`at most ${MAX_RESOURCES} ${name} values`);
      continue;
    }
    if (values.length > 1) throw new InvalidRequest(`${name} must not be repeated`);
    if (present[0] !== undefined) single[name] = present[0];
  }
  return { single, resource };
}

/**
 * Route options of an endpoint that reads its form with `readFormParams`: the body schema
 * describes the endpoint in /openapi.json, and is not also run on every request, since
 * `readParams` applies the same rules (strings, lengths, no repeats, at most 10 resources) and
 * answers in OAuth's error format. Running both cost the token endpoint ~3% of its CPU.
 */
export const formReadInHandler = { validatorCompiler: () => () => true } as const;

/** The token, revocation and introspection endpoints take form-encoded bodies only (RFC 6749 §3.2). */
export function readFormParams(request: FastifyRequest): ReadParams {
  const type = request.headers['content-type'] ?? '';
  if (!/^application\/x-www-form-urlencoded\b/i.test(type))
    throw new InvalidRequest('requests must be application/x-www-form-urlencoded');
  return readParams(request.body);
}
