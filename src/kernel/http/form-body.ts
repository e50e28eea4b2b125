import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MalformedBody } from './malformed-body.ts';
import { NUL_REFUSED } from './nul-characters.ts';

/** The body limit of urlencoded forms (Fastify's default, as @fastify/formbody had it). */
const FORM_BODY_LIMIT = 1024 * 1024;

/**
 * application/x-www-form-urlencoded bodies, with every field at most once: a repeated field
 * (`address=a&address=b`) is a 400, so handlers that read a field as a string never meet an
 * array. A field may repeat where the route says so — its body schema declares it an array
 * (checkbox groups), or its `config.repeatableFields` names it (RFC 8707 `resource`).
 */
export function registerFormBody(app: FastifyInstance): void {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
    (request, body, done) => {
      try {
        done(
          null,
          parseForm(body as string, (name) => isRepeatable(request, name)),
        );
      } catch (error) {
        done(error as Error, undefined);
      }
    },
  );
}

/** The fields of a form body; repeated ones as lists, where `repeatable` allows. */
export function parseForm(body: string, repeatable: (name: string) => boolean): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  const mayHoldNul = body.includes('%00') || body.includes('\0');
  for (const [name, value] of new URLSearchParams(body)) {
    if (mayHoldNul && (name.includes('\0') || value.includes('\0'))) throw new MalformedBody(NUL_REFUSED);
    const seen = fields[name];
    // A field seen once stays a plain string, repeatable or not: the route is asked only on a repeat.
    if (seen === undefined) fields[name] = value;
    else if (Array.isArray(seen)) seen.push(value);
    else if (repeatable(name)) fields[name] = [seen, value];
    else throw new MalformedBody(`${name} must not be repeated`);
  }
  return fields;
}

interface FieldSchema {
  type?: unknown;
  anyOf?: FieldSchema[];
}

function isRepeatable(request: FastifyRequest, name: string): boolean {
  const config = request.routeOptions.config as { repeatableFields?: readonly string[] } | undefined;
  if (config?.repeatableFields?.includes(name)) return true;
  const field = (request.routeOptions.schema?.body as { properties?: Record<string, FieldSchema> } | undefined)
    ?.properties?.[name];
  return field !== undefined && (field.type === 'array' || Boolean(field.anyOf?.some((one) => one.type === 'array')));
}
