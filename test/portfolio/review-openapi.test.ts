import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const V1_NAMES = [
  'OpenAPIIntegrationResponse',
  'CalicoErrorResponse',
  'RefreshResponse',
  'CryptoSourceId',
  'OpenAPIAssetPosition',
  'CryptoSourceCredentialAuthType',
  'AddCryptoSource',
  'AddCryptoSourceResponse',
  'CryptoSourceDescriptor',
  'OpenAPIDeleteCryptoSourceRequest',
  'OpenAPIGetConsentURLForThirdPartyResponse',
  'TransactionType',
  'OpenAPITransactionCategorization',
  'OpenAPIFeeItem',
  'OpenAPIFeeObject',
  'OpenAPICurrencyValue',
  'InputOnlyTransaction',
  'SendTransaction',
  'ReceiveTransaction',
  'OutputOnlyTransaction',
  'InputOutputTransaction',
  'UncategorizedTransaction',
];

/** Every $ref of a document points at a schema it defines. */
function danglingRefs(document: unknown): string[] {
  const text = JSON.stringify(document);
  const schemas = (document as { components: { schemas: Record<string, unknown> } }).components.schemas;
  return [...text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)]
    .map((m) => m[1]!)
    .filter((name) => !(name in schemas));
}

describe('review #17: API descriptions lack named schemas', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it("serves /platform/v1/openapi.json with Calico's schema names and transactions as a oneOf discriminated by type", async () => {
    const answer = await fetch(`${server.url}/platform/v1/openapi.json`);
    expect(answer.status).toBe(200);
    const document = (await answer.json()) as {
      openapi: string;
      paths: Record<string, unknown>;
      components: { schemas: Record<string, Record<string, unknown>> };
    };
    expect(document.openapi).toBe('3.1.0');
    for (const name of V1_NAMES) expect(document.components.schemas, name).toHaveProperty(name);
    expect(document.components.schemas.AddCryptoSource!.title).toBe('Add Crypto Source');
    expect(document.components.schemas.Transaction).toMatchObject({
      discriminator: { propertyName: 'type', mapping: { send: '#/components/schemas/SendTransaction' } },
    });
    expect((document.components.schemas.Transaction!.oneOf as unknown[]).length).toBe(6);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/provider', '/assets', '/transactions', '/assets/refresh']),
    );
    expect(JSON.stringify(document.paths)).toContain('"$ref":"#/components/schemas/AddCryptoSource"');
    expect(danglingRefs(document)).toEqual([]);
  });

  it('serves /platform/v2/openapi.json with named components', async () => {
    const document = (await (await fetch(`${server.url}/platform/v2/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
      components: { schemas: Record<string, unknown> };
    };
    for (const name of [
      'AddProvidersRequest',
      'AddProvidersResponse',
      'ProviderMetadata',
      'ConnectedProvider',
      'PageData',
      'ErrorItem',
      'Transaction',
      'GetTransactionsResponse',
    ]) {
      expect(document.components.schemas, name).toHaveProperty(name);
    }
    expect(Object.keys(document.paths)).toContain('/providers/catalog');
    expect(danglingRefs(document)).toEqual([]);
  });

  it("serves /api/v2/openapi.json with Caledee's object names as components, every $ref resolving", async () => {
    const answer = await fetch(`${server.url}/api/v2/openapi.json`);
    expect(answer.status).toBe(200);
    const document = (await answer.json()) as {
      paths: Record<string, Record<string, { responses: Record<string, { headers?: object }> }>>;
      components: { schemas: Record<string, Record<string, unknown>>; headers: Record<string, unknown> };
    };
    for (const name of [
      'User',
      'Error',
      'EventType',
      'Location',
      'Schedule',
      'Slot',
      'Availability',
      'Booking',
      'BookingPage',
      'BookingCreate',
      'Webhook',
      'WebhookWithSecret',
      'WebhookDelivery',
      'WebhookDeliveryList',
    ]) {
      expect(document.components.schemas, name).toHaveProperty(name);
    }
    expect(document.components.schemas.Error!.required).toEqual(['title', 'message']);
    expect(document.components.schemas.EventType!.properties).toHaveProperty('location', {
      $ref: '#/components/schemas/Location',
    });
    expect(JSON.stringify(document.paths['/me'])).toContain('"$ref":"#/components/schemas/User"');
    expect(JSON.stringify(document.paths['/bookings']!.post)).toContain('"$ref":"#/components/schemas/BookingCreate"');
    expect(Object.keys(document.components.headers)).toEqual([
      'XRateLimitLimit',
      'XRateLimitRemaining',
      'XRateLimitReset',
    ]);
    expect(document.paths['/me']!.get!.responses['200']!.headers).toHaveProperty('X-RateLimit-Reset', {
      $ref: '#/components/headers/XRateLimitReset',
    });
    expect(danglingRefs(document)).toEqual([]);
    const headerRefs = [...JSON.stringify(document).matchAll(/"\$ref":"#\/components\/headers\/([^"]+)"/g)].map(
      (m) => m[1]!,
    );
    expect(headerRefs.length).toBeGreaterThan(0);
    expect(headerRefs.filter((name) => !(name in document.components.headers))).toEqual([]);
    expect(JSON.stringify(document)).not.toMatch(/"\$ref":"#\/components\/(?!schemas\/|headers\/)/);
  });
});
