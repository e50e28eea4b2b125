import { Type, type SchemaOptions, type Static, type TSchema, type TUnsafe } from '@sinclair/typebox';

/*
 * Alternatives written as `enum` and type lists rather than `anyOf`. fast-json-stringify chooses an
 * `anyOf` branch by running Ajv on the value, and Ajv compiles that check on the first response
 * (11-25 ms of the event loop per route, measured on the portfolio's routes); `enum` and
 * `type: [t, 'null']` it serializes with plain checks. Validation means the same either way.
 */

/** One of these strings (TypeBox's literal union, as `enum`). */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: SchemaOptions = {},
): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ ...options, type: 'string', enum: [...values] });
}

/** One of these integers. */
export function IntegerEnum<const T extends readonly number[]>(
  values: T,
  options: SchemaOptions = {},
): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ ...options, type: 'integer', enum: [...values] });
}

/** The schema, or null. It must have one `type`. */
export function OrNull<T extends TSchema>(schema: T): TUnsafe<Static<T> | null> {
  if (typeof schema.type !== 'string') throw new Error('OrNull needs a schema with one type');
  return Type.Unsafe<Static<T> | null>({ ...schema, type: [schema.type, 'null'] });
}
