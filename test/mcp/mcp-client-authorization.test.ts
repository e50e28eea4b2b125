import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth } from '@modelcontextprotocol/sdk/client/auth.js';
import { PageAgent } from '../helpers/browser.ts';
import { ScriptedOAuthProvider } from '../helpers/mcp-provider.ts';
import { signInThroughPages } from '../helpers/oauth-flow.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';

/** A throwaway CA-less self-signed certificate for 127.0.0.1, made with Debian's openssl. */
function selfSignedCertificate(): { key: string; cert: string; certFile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'consentry-tls-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  return {
    key: readFileSync(join(dir, 'key.pem'), 'utf8'),
    cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    certFile: join(dir, 'cert.pem'),
  };
}

/**
 * What an MCP host does with @modelcontextprotocol/sdk's client-side OAuth: a 401 from the
 * resource → RFC 9728 metadata → RFC 8414 discovery → registration (RFC 7591, or a client ID
 * metadata document) → authorization code + PKCE with `resource` → token → the call.
 */
describe('an MCP client connects through OAuth without pasted tokens', () => {
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let documentHost: Server;
  let documentUrl: string;
  const redirectUrl = 'http://127.0.0.1:47811/callback';

  beforeAll(async () => {
    const tls = selfSignedCertificate();
    documentHost = createServer({ key: tls.key, cert: tls.cert }, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          client_id: documentUrl,
          client_name: 'Metadata MCP host',
          redirect_uris: [redirectUrl],
          token_endpoint_auth_method: 'none',
          grant_types: ['authorization_code', 'refresh_token'],
        }),
      );
    });
    await new Promise<void>((resolve) => documentHost.listen(0, '127.0.0.1', resolve));
    documentUrl = `https://127.0.0.1:${(documentHost.address() as AddressInfo).port}/mcp-client.json`;
    ({ server, smtp, close } = await startServerWithMail({
      env: { CLIENT_METADATA_ALLOW_LOOPBACK: 'true', CLIENT_METADATA_CA_FILE: tls.certFile },
    }));
  });
  afterAll(async () => {
    await close();
    documentHost.closeAllConnections();
    await new Promise((resolve) => documentHost.close(resolve));
  });

  async function connect(provider: ScriptedOAuthProvider, email: string): Promise<Record<string, unknown>> {
    const resource = `${server.url}/api/whoami`;
    const unauthenticated = await fetch(resource);
    expect(unauthenticated.status).toBe(401);
    const challenge = unauthenticated.headers.get('www-authenticate')!;
    const resourceMetadataUrl = new URL(/resource_metadata="([^"]+)"/.exec(challenge)![1]!);

    expect(await auth(provider, { serverUrl: resource, resourceMetadataUrl })).toBe('REDIRECT');
    const authorizationUrl = provider.authorizationUrl!;
    expect(authorizationUrl.searchParams.get('resource')).toBe(resource);
    expect(authorizationUrl.searchParams.get('code_challenge_method')).toBe('S256');

    const agent = new PageAgent(server.url);
    const signedIn = await signInThroughPages(agent, smtp, email, await agent.get(authorizationUrl.toString()));
    const consent = await agent.get(signedIn.headers.get('location')!);
    const approved = await agent.submit(await consent.text(), { decision: 'approve' }, '/oauth/interaction/');
    const callback = new URL(approved.headers.get('location')!);
    expect(callback.searchParams.get('iss')).toBe(server.url);

    expect(
      await auth(provider, {
        serverUrl: resource,
        resourceMetadataUrl,
        authorizationCode: callback.searchParams.get('code')!,
      }),
    ).toBe('AUTHORIZED');
    const call = await fetch(resource, { headers: { authorization: `Bearer ${provider.tokens()!.access_token}` } });
    expect(call.status).toBe(200);
    return (await call.json()) as Record<string, unknown>;
  }

  it('registers itself with RFC 7591 and calls the protected resource', async () => {
    const provider = new ScriptedOAuthProvider(redirectUrl, 'read:profile');
    const echoed = await connect(provider, 'mcp-dcr@example.com');
    const clientId = provider.clientInformation()!.client_id;
    expect(clientId).toMatch(/^cl_/);
    expect(echoed).toMatchObject({ client_id: clientId, scope: 'read:profile', aud: `${server.url}/api/whoami` });
    expect((await server.oauth.clients.findById(clientId))?.registeredVia).toBe('dcr');
  });

  it('identifies itself by a client ID metadata document served on loopback and calls the resource', async () => {
    const provider = new ScriptedOAuthProvider(redirectUrl, 'read:profile', documentUrl);
    const echoed = await connect(provider, 'mcp-cimd@example.com');
    expect(echoed.client_id).toBe(documentUrl);
    expect((await server.oauth.clients.findById(documentUrl))?.registeredVia).toBe('metadata');
  });
});
