import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeProtectedHeader } from 'jose';
import { rotateKeys } from '../../src/kernel/keys/rotate-keys.ts';
import { SigningKeyRepository } from '../../src/kernel/keys/signing-key-repository.ts';
import { SecretBox } from '../../src/kernel/crypto/secret-box.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { basicAuth, createTestClient, postForm, type TestClient } from '../helpers/clients.ts';
import { testDialects } from '../helpers/database.ts';

describe.each(testDialects())('signing keys and discovery (%s)', (dialect) => {
  let server: TestServer;
  let client: TestClient;

  beforeAll(async () => {
    server = await startTestServer({ dialect });
    client = await createTestClient(server, { allowedScopes: ['read:bookings'] });
  });
  afterAll(() => server.close());

  const jwks = async () =>
    ((await (await fetch(`${server.url}/oauth/jwks`)).json()) as { keys: Array<{ kid: string; d?: string }> }).keys;
  const ccToken = async () =>
    (
      await postForm(
        server,
        '/oauth/token',
        { grant_type: 'client_credentials', scope: 'read:bookings' },
        { authorization: basicAuth(client.id, client.secret!) },
      )
    ).json.access_token as string;
  const introspect = async (token: string) =>
    (await postForm(server, '/oauth/introspect', { token }, { authorization: basicAuth(client.id, client.secret!) }))
      .json;

  it('publishes the active and the next key, public parts only, with unique kids', async () => {
    const keys = await jwks();
    expect(keys).toHaveLength(2);
    expect(new Set(keys.map((k) => k.kid)).size).toBe(2);
    expect(keys.every((k) => k.d === undefined)).toBe(true);
    const rows = await server.kernel.database.db.selectFrom('signing_keys').selectAll().execute();
    for (const row of rows) {
      expect(row.private_jwk_sealed).not.toContain('"d"');
      expect(row.private_jwk_sealed.startsWith('v1.')).toBe(true);
    }
  });

  it('rotates with overlap: the published next key signs, the old one stays published and valid', async () => {
    const before = await jwks();
    const oldToken = await ccToken();
    const oldKid = decodeProtectedHeader(oldToken).kid!;
    const repo = new SigningKeyRepository(server.kernel.database.db, server.kernel.database.dialect);
    const result = await rotateKeys(
      repo,
      new SecretBox(server.kernel.secretKey, 'signing-keys'),
      server.clock.now(),
      3600_000,
    );
    expect(result.retired).toEqual([oldKid]);
    expect(before.map((k) => k.kid)).toContain(result.activated); // it was published before it signs
    await server.kernel.keys.reload();
    const newToken = await ccToken();
    expect(decodeProtectedHeader(newToken).kid).toBe(result.activated);
    const after = (await jwks()).map((k) => k.kid);
    expect(after).toEqual(expect.arrayContaining([oldKid, result.activated, result.next]));
    expect((await introspect(oldToken)).active).toBe(true);
    expect((await introspect(newToken)).active).toBe(true);
  });

  it('serves both discovery documents with the contract fields and a pinned issuer', async () => {
    for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
      const res = await fetch(server.url + path, {
        headers: { host: 'evil.example', 'x-forwarded-host': 'evil.example' },
      });
      const doc = (await res.json()) as Record<string, unknown>;
      expect(doc).toMatchObject({
        issuer: server.url,
        authorization_endpoint: `${server.url}/oauth/authorize`,
        token_endpoint: `${server.url}/oauth/token`,
        jwks_uri: `${server.url}/oauth/jwks`,
        response_types_supported: ['code'],
        grant_types_supported: [
          'authorization_code',
          'refresh_token',
          'client_credentials',
          'urn:ietf:params:oauth:grant-type:device_code',
        ],
        device_authorization_endpoint: `${server.url}/oauth/device_authorization`,
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: [
          'none',
          'client_secret_basic',
          'client_secret_post',
          'private_key_jwt',
          'client_secret_jwt',
        ],
        token_endpoint_auth_signing_alg_values_supported: ['ES256', 'PS256', 'EdDSA', 'Ed25519', 'RS256', 'HS256'],
        pushed_authorization_request_endpoint: `${server.url}/oauth/par`,
        require_pushed_authorization_requests: false,
        request_parameter_supported: true,
        request_uri_parameter_supported: false,
        request_object_signing_alg_values_supported: ['ES256', 'PS256', 'EdDSA', 'Ed25519', 'RS256'],
        authorization_response_iss_parameter_supported: true,
        id_token_signing_alg_values_supported: ['ES256'],
        subject_types_supported: ['public'],
      });
      expect(doc.scopes_supported).toEqual(
        expect.arrayContaining(['openid', 'read:bookings', 'read:assets', 'write:providers', 'write:availability']),
      );
      expect(doc).toHaveProperty('client_id_metadata_document_supported');
      expect(doc).toHaveProperty('claims_supported');
    }
  });

  it('serves protected-resource metadata for every product resource', async () => {
    for (const path of ['/platform', '/api/v2', '/api/mcp']) {
      const doc = (await (await fetch(`${server.url}/.well-known/oauth-protected-resource${path}`)).json()) as Record<
        string,
        unknown
      >;
      expect(doc.resource).toBe(server.url + path);
      expect(doc.authorization_servers).toEqual([server.url]);
    }
  });

  it('serves health, readiness, metrics and an OpenAPI document', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${server.url}/readyz`)).json()).toEqual({ status: 'ready' });
    expect(await (await fetch(`${server.url}/metrics`)).text()).toContain('http_request_duration_seconds');
    const openapi = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(openapi.openapi).toBe('3.1.0');
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining([
        '/oauth/token',
        '/oauth/authorize',
        '/oauth/revoke',
        '/oauth/introspect',
        '/oauth/userinfo',
      ]),
    );
  });
});
