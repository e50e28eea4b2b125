import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAllowedAddress } from '../../src/kernel/egress/index.ts';
import { PageAgent } from '../helpers/browser.ts';
import { postForm } from '../helpers/clients.ts';
import { pkcePair, signInThroughPages } from '../helpers/oauth-flow.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';

/** A loopback web server playing the client's side: it hosts the metadata documents. */
async function startDocumentHost(
  routes: Record<string, (res: import('node:http').ServerResponse, base: string) => void>,
): Promise<{ base: string; server: Server }> {
  const server = createServer((req, res) => {
    const route = routes[req.url ?? ''];
    if (route) route(res, base);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, server };
}

describe('client ID metadata documents', () => {
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let host: { base: string; server: Server };
  const doc = (base: string, path: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      client_id: base + path,
      client_name: 'Agent Smith',
      redirect_uris: ['http://127.0.0.1:47000/callback'],
      token_endpoint_auth_method: 'none',
      ...extra,
    });

  beforeAll(async () => {
    host = await startDocumentHost({
      '/agent.json': (res, base) =>
        res
          .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=600' })
          .end(doc(base, '/agent.json')),
      '/wrong-id.json': (res) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(doc('https://elsewhere.example', '/agent.json')),
      '/huge.json': (res, base) =>
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(doc(base, '/huge.json', { padding: 'x'.repeat(10_000) })),
      '/slow.json': () => {}, // never answers
      '/redirect.json': (res) => res.writeHead(302, { location: '/agent.json' }).end(),
      '/secret.json': (res, base) =>
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(doc(base, '/secret.json', { token_endpoint_auth_method: 'client_secret_basic' })),
      '/html.json': (res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>'),
    });
    ({ server, smtp, close } = await startServerWithMail({
      env: { CLIENT_METADATA_ALLOW_LOOPBACK: 'true', CLIENT_METADATA_TIMEOUT_MS: '300' },
    }));
  });
  afterAll(async () => {
    await close();
    host.server.closeAllConnections();
    await new Promise((resolve) => host.server.close(resolve));
  });

  const authorizeUrl = (clientId: string, redirectUri = 'http://127.0.0.1:47000/callback') =>
    `/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: redirectUri, state: 's', code_challenge: pkcePair().challenge, code_challenge_method: 'S256' }).toString()}`;

  it('is advertised in discovery', async () => {
    const metadata = (await (await fetch(`${server.url}/.well-known/oauth-authorization-server`)).json()) as Record<
      string,
      unknown
    >;
    expect(metadata.client_id_metadata_document_supported).toBe(true);
    expect(metadata.token_endpoint_auth_methods_supported).toContain('none');
  });

  it('lets a client identified by its document URL complete the flow as a public client', async () => {
    const clientId = `${host.base}/agent.json`;
    const agent = new PageAgent(server.url);
    const { verifier, challenge } = pkcePair();
    const started = await agent.get(
      authorizeUrl(clientId).replace(/code_challenge=[^&]+/, `code_challenge=${challenge}`),
    );
    expect(started.status).toBe(303);
    const signedIn = await signInThroughPages(agent, smtp, 'agent-owner@example.com', started);
    const consent = await agent.get(signedIn.headers.get('location')!);
    const page = await consent.text();
    expect(page).toContain('Agent Smith');
    expect(page).toContain('registered itself');
    const approved = await agent.submit(page, { decision: 'approve' }, '/oauth/interaction/');
    const code = new URL(approved.headers.get('location')!).searchParams.get('code')!;
    const tokens = await postForm(server, '/oauth/token', {
      grant_type: 'authorization_code',
      code,
      redirect_uri: 'http://127.0.0.1:47000/callback',
      code_verifier: verifier,
      client_id: clientId,
    });
    expect(tokens.status).toBe(200);
    const stored = await server.oauth.clients.findById(clientId);
    expect(stored).toMatchObject({ type: 'public', registeredVia: 'metadata' });
  });

  it('refuses documents that are wrong, too large, too slow, redirected, secret-bearing or not JSON — as a page, never a redirect', async () => {
    for (const path of [
      '/wrong-id.json',
      '/huge.json',
      '/slow.json',
      '/redirect.json',
      '/secret.json',
      '/html.json',
      '/missing.json',
    ]) {
      const res = await fetch(server.url + authorizeUrl(host.base + path), { redirect: 'manual' });
      expect(res.status, path).toBe(400);
      expect(res.headers.get('location'), path).toBeNull();
    }
  });

  it('refuses a redirect URI the document does not list', async () => {
    const res = await fetch(server.url + authorizeUrl(`${host.base}/agent.json`, 'http://127.0.0.1:47000/elsewhere'), {
      redirect: 'manual',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });

  it('never fetches private or loopback addresses unless configured', () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '::1',
      'fd00::1',
      'fe80::1',
      '::ffff:10.0.0.1',
      '0.0.0.0',
    ]) {
      expect(isAllowedAddress(address, false), address).toBe(false);
    }
    expect(isAllowedAddress('127.0.0.1', true)).toBe(true);
    expect(isAllowedAddress('10.1.2.3', true)).toBe(false);
    expect(isAllowedAddress('93.184.216.34', false)).toBe(true);
    expect(isAllowedAddress('2606:2800:220:1::1', false)).toBe(true);
  });
});

describe('client ID metadata documents without the loopback allowance', () => {
  let server: TestServer;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ server, close } = await startServerWithMail());
  });
  afterAll(() => close());

  it('refuses loopback and private document URLs before any connection is made', async () => {
    for (const clientId of [
      'http://127.0.0.1:9/agent.json',
      'https://127.0.0.1/agent.json',
      'https://10.0.0.1/agent.json',
      'https://[::1]/agent.json',
      'https://169.254.169.254/latest.json',
    ]) {
      const res = await fetch(
        server.url +
          `/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: clientId, state: 's' }).toString()}`,
        { redirect: 'manual' },
      );
      expect(res.status, clientId).toBe(400);
      expect(await res.text(), clientId).toMatch(/may not be fetched|must use https/);
    }
  });
});
