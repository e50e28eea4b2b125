import SerializerSelector from '@fastify/fast-json-stringify-compiler';

type BuildSerializer = ReturnType<typeof SerializerSelector>;

/**
 * Fastify compiles a fast-json-stringify function for every route's every response schema when
 * the route is registered: ~280 of them, about 10 KB of generated source each, most never used
 * on a given node. This compiles each on its first response instead, with the same options and
 * shared schemas, so the output (and the stripping of properties outside the schema) is unchanged.
 */
export function lazySerializers(): BuildSerializer {
  const selector = SerializerSelector();
  return (externalSchemas, options) => {
    const compile = selector(externalSchemas, options);
    return (route) => {
      let serialize: ((data: unknown) => string) | undefined;
      return (data: unknown) => (serialize ??= compile(route) as (data: unknown) => string)(data);
    };
  };
}
