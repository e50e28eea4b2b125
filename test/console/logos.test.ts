import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchImage } from '../../src/console/logos/fetch-image.ts';
import { monogramSvg } from '../../src/console/logos/monogram.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

/** A real 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** An app's web server, with a logo and every way a logo can be wrong. */
async function startLogoHost(): Promise<{ base: string; hits: Map<string, number>; close(): Promise<void> }> {
  const hits = new Map<string, number>();
  const server: Server = createServer((request, response) => {
    const path = request.url ?? '';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const send = (type: string, body: Buffer | string) => response.writeHead(200, { 'content-type': type }).end(body);
    if (path === '/logo.png') return send('image/png', PNG);
    if (path === '/big.png') return send('image/png', Buffer.concat([PNG, Buffer.alloc(150 * 1024)]));
    if (path === '/streamed-big.png') {
      response.writeHead(200, { 'content-type': 'image/png' });
      response.write(PNG);
      for (let i = 0; i < 30; i++) response.write(Buffer.alloc(8 * 1024));
      return response.end();
    }
    if (path === '/logo.svg')
      return send('image/svg+xml', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    if (path === '/page.png') return send('image/png', '<!doctype html><p>not an image');
    if (path === '/moved.png') return response.writeHead(302, { location: '/logo.png' }).end();
    if (path === '/slow.png') return void setTimeout(() => send('image/png', PNG), 2000);
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('client logos from our own origin (/logos/:clientId)', () => {
  let host: Awaited<ReturnType<typeof startLogoHost>>;
  let server: TestServer;
  let strict: TestServer;

  beforeAll(async () => {
    host = await startLogoHost();
    [server, strict] = await Promise.all([
      startTestServer({ env: { CLIENT_LOGO_ALLOW_LOOPBACK: 'true' } }),
      startTestServer(),
    ]);
  });
  afterAll(async () => {
    await Promise.all([server?.close(), strict?.close()]);
    await host?.close();
  });

  const appWithLogo = async (target: TestServer, logo: string | null, name = 'Budget Buddy', id?: string) =>
    (
      await target.oauth.clientService.create({
        name,
        type: 'public',
        redirectUris: ['http://127.0.0.1/cb'],
        logoUri: logo,
        ...(id ? { id } : {}),
      })
    ).client.id;
  const logo = (target: TestServer, clientId: string) => fetch(`${target.url}/logos/${encodeURIComponent(clientId)}`);

  it('serves the app’s PNG itself, cached, so browsers never contact the app’s server', async () => {
    const clientId = await appWithLogo(server, `${host.base}/logo.png`);
    const first = await logo(server, clientId);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('image/png');
    expect(first.headers.get('cache-control')).toBe('public, max-age=3600');
    expect(Buffer.from(await first.arrayBuffer()).equals(PNG)).toBe(true);
    const hitsAfterFirst = host.hits.get('/logo.png');
    expect((await logo(server, clientId)).status).toBe(200);
    expect(host.hits.get('/logo.png')).toBe(hitsAfterFirst);
  });

  it.each([
    ['/big.png', 'larger than 100 KB (declared)'],
    ['/streamed-big.png', 'larger than 100 KB (streamed)'],
    ['/logo.svg', 'SVG'],
    ['/page.png', 'HTML claiming to be a PNG'],
    ['/moved.png', 'a redirect'],
    ['/missing.png', 'a 404'],
  ])('answers %s (%s) with a first-party monogram instead', async (path) => {
    const clientId = await appWithLogo(server, `${host.base}${path}`, 'zeta app');
    const response = await logo(server, clientId);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    const body = await response.text();
    expect(body).toContain('>Z</text>');
    expect(body).not.toContain('script');
  });

  it('never fetches from loopback or private addresses unless configured for development', async () => {
    const before = host.hits.get('/logo.png') ?? 0;
    const clientId = await appWithLogo(strict, `${host.base}/logo.png`);
    const response = await logo(strict, clientId);
    expect(response.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(host.hits.get('/logo.png') ?? 0).toBe(before);
  });

  it('draws a monogram for apps without a logo, works for URL client ids, and 404s unknown clients', async () => {
    const plain = await logo(server, await appWithLogo(server, null, 'Écoute'));
    expect(await plain.text()).toContain('>É</text>');
    const urlId = await appWithLogo(server, `${host.base}/logo.png`, 'Metadata app', 'https://app.example/client.json');
    const byUrl = await logo(server, urlId);
    expect(byUrl.status).toBe(200);
    expect(byUrl.headers.get('content-type')).toBe('image/png');
    expect((await logo(server, 'cl_nobody')).status).toBe(404);
  });
});

describe('fetchImage limits', () => {
  let host: Awaited<ReturnType<typeof startLogoHost>>;
  beforeAll(async () => {
    host = await startLogoHost();
  });
  afterAll(() => host.close());
  const loopback = { maxBytes: 100 * 1024, timeoutMs: 3000, allowLoopback: true };

  it('gives up after its deadline', async () => {
    await expect(fetchImage(new URL(`${host.base}/slow.png`), { ...loopback, timeoutMs: 200 })).rejects.toThrow(
      'did not arrive within 200 ms',
    );
  });

  it('refuses private, loopback and plain-http targets before connecting', async () => {
    const strict = { ...loopback, allowLoopback: false };
    await expect(fetchImage(new URL('https://10.1.2.3/logo.png'), strict)).rejects.toThrow('may not be fetched');
    await expect(fetchImage(new URL('https://[::1]/logo.png'), strict)).rejects.toThrow('may not be fetched');
    await expect(fetchImage(new URL('https://169.254.169.254/latest/meta-data'), strict)).rejects.toThrow(
      'may not be fetched',
    );
    await expect(fetchImage(new URL('https://localhost/logo.png'), strict)).rejects.toThrow('may not be fetched');
    await expect(fetchImage(new URL('http://logo.example/logo.png'), strict)).rejects.toThrow('must use https');
    await expect(fetchImage(new URL(`${host.base}/logo.png`), strict)).rejects.toThrow('must use https');
  });

  it('escapes the monogram’s letter', () => {
    expect(monogramSvg('cl_x', '<b>')).toContain('>&lt;</text>');
  });
});
