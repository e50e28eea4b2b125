import { Ajv } from 'ajv';
import type { FastifyInstance } from 'fastify';

/**
 * Validation that reports every field at once (allErrors), with Fastify's usual coercion of
 * query strings and defaults; unions of literals are left to Ajv.
 */
export function useAllErrorsValidator(app: FastifyInstance): void {
  const ajv = new Ajv({
    allErrors: true,
    coerceTypes: 'array',
    useDefaults: true,
    removeAdditional: false,
    strict: false,
  });
  const bodies = new Ajv({
    allErrors: true,
    coerceTypes: false,
    useDefaults: true,
    removeAdditional: false,
    strict: false,
  });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodies : ajv).compile(schema));
}
