import type { FastifyInstance } from 'fastify';
import type { ApiVersion } from './api-deps.ts';

type Schema = Record<string, unknown>;
type OpenApiDocument = { paths?: Record<string, unknown>; [key: string]: unknown };

/** Calico's v1 schema names for our titled schemas (v2 keeps the titles). */
const V1_NAMES: Record<string, string> = {
  ListProvidersResponse: 'OpenAPIIntegrationResponse',
  ProviderId: 'CryptoSourceId',
  AssetPosition: 'OpenAPIAssetPosition',
  AddProvidersRequest: 'AddCryptoSource',
  AddProvidersResponse: 'AddCryptoSourceResponse',
  AddProvidersData: 'OpenAPIGetConsentURLForThirdPartyResponse',
  ProviderMetadata: 'CryptoSourceDescriptor',
  DeleteProvidersRequest: 'OpenAPIDeleteCryptoSourceRequest',
  TransactionCategorization: 'OpenAPITransactionCategorization',
  FeeItem: 'OpenAPIFeeItem',
  FeeObject: 'OpenAPIFeeObject',
  CurrencyValue: 'OpenAPICurrencyValue',
};

/** The six transaction kinds, by `type`, with Calico's variant names. */
const KINDS: Array<[string, string]> = [
  ['input_only', 'InputOnlyTransaction'],
  ['send', 'SendTransaction'],
  ['receive', 'ReceiveTransaction'],
  ['output_only', 'OutputOnlyTransaction'],
  ['input_output', 'InputOutputTransaction'],
  ['uncategorized', 'UncategorizedTransaction'],
];

/**
 * GET /platform/{v1,v2}/openapi.json: the platform's OpenAPI 3.1 cut down to one version, every
 * titled schema moved to `components.schemas` under its name (v1: Calico's v1 names) and
 * referenced, and a transaction as a `oneOf` of its six kinds discriminated by `type`.
 */
export async function platformOpenApiRoute(app: FastifyInstance, issuer: string, version: ApiVersion): Promise<void> {
  const prefix = `/platform/${version}`;
  let built: unknown;
  app.get('/openapi.json', { schema: { hide: true } }, async (_request, reply) => {
    built ??= buildDocument((app as unknown as { swagger(): OpenApiDocument }).swagger(), issuer, prefix, version);
    return reply.header('cache-control', 'public, max-age=300').send(built);
  });
}

function buildDocument(whole: OpenApiDocument, issuer: string, prefix: string, version: ApiVersion) {
  const names = version === 'v1' ? V1_NAMES : {};
  const components: Record<string, unknown> = {};
  const nameOf = (title: string) => names[title] ?? title.replace(/[^A-Za-z0-9._-]/g, '');

  const extract = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(extract);
    if (!node || typeof node !== 'object') return node;
    const schema = node as Schema;
    const inner: Schema = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, extract(v)]));
    const title = typeof schema.title === 'string' ? schema.title : undefined;
    if (!title || !/^[A-Za-z][A-Za-z0-9 ._-]*$/.test(title)) return inner;
    const name = nameOf(title);
    if (title === 'Transaction') return transactionUnion(inner, components);
    components[name] ??= {
      ...inner,
      title:
        name === 'AddCryptoSource'
          ? 'Add Crypto Source'
          : name === 'AddCryptoSourceResponse'
            ? 'Add Crypto Source Response'
            : name,
    };
    return { $ref: `#/components/schemas/${name}` };
  };

  const paths = Object.fromEntries(
    Object.entries(whole.paths ?? {})
      .filter(([path]) => path.startsWith(`${prefix}/`))
      .map(([path, item]) => [path.slice(prefix.length), extract(item)]),
  );
  return {
    openapi: '3.1.0',
    info: {
      title: `Consentry Platform API ${version}`,
      version,
      description:
        "Calico-compatible: the person's linked providers, consolidated assets and normalized transactions. Bearer OAuth access tokens (profile calico: 15 min, refresh 1 year). Every body is {data, errors}.",
    },
    servers: [{ url: `${issuer}${prefix}` }],
    components: {
      schemas: components,
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
    security: [{ bearerAuth: [] }],
    paths,
  };
}

/** Transaction → six named kinds (each fixing `type`) under one `oneOf` with a `type` discriminator. */
function transactionUnion(transaction: Schema, components: Record<string, unknown>): unknown {
  if (!components.Transaction) {
    const properties = transaction.properties as Schema;
    for (const [kind, name] of KINDS) {
      components[name] = {
        ...transaction,
        title: name,
        properties: { ...properties, type: { type: 'string', const: kind } },
      };
    }
    components.Transaction = {
      title: 'Transaction',
      oneOf: KINDS.map(([, name]) => ({ $ref: `#/components/schemas/${name}` })),
      discriminator: {
        propertyName: 'type',
        mapping: Object.fromEntries(KINDS.map(([kind, name]) => [kind, `#/components/schemas/${name}`])),
      },
    };
  }
  return { $ref: '#/components/schemas/Transaction' };
}
