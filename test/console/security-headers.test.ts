import type { OutgoingHttpHeaders } from 'node:http';
import Fastify from 'fastify';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { securityHeaders } from '../../src/kernel/http/security-headers.ts';

describe('security headers', () => {
  const app = Fastify();
  afterAll(() => app.close());

  it('every response carries the policy, and a route may replace one header of it', async () => {
    await securityHeaders(app);
    app.get('/page', async () => 'ok');
    app.get('/image', async (_request, reply) =>
      reply.header('content-security-policy', "default-src 'none'").send('img'),
    );
    app.get('/data', async () => ({ ok: true }));
    app.get('/problem', async (_request, reply) => reply.type('application/problem+json').send('{"title":"x"}'));
    app.get('/stream', async (_request, reply) => {
      reply.hijack();
      reply.raw.writeHead(200, { ...(reply.getHeaders() as OutgoingHttpHeaders), 'content-type': 'text/event-stream' });
      reply.raw.end('data: 1\n\n');
    });
    app.get('/fails', async () => {
      throw new Error('boom');
    });

    const page = await app.inject({ url: '/page' });
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['strict-transport-security']).toBeUndefined();

    const image = await app.inject({ url: '/image' });
    expect(image.headers['content-security-policy']).toBe("default-src 'none'");
    expect(image.headers['x-frame-options']).toBe('DENY');

    // JSON is data, never a document: only the headers that guard data, and a policy that loads nothing.
    for (const url of ['/data', '/problem']) {
      const data = await app.inject({ url });
      expect(data.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(data.headers['x-content-type-options']).toBe('nosniff');
      expect(data.headers['x-frame-options']).toBe('DENY');
      for (const documentOnly of ['referrer-policy', 'cross-origin-opener-policy', 'x-dns-prefetch-control'])
        expect(data.headers[documentOnly]).toBeUndefined();
    }
    // A reply the route writes itself still cannot be sniffed or framed.
    const stream = await app.inject({ url: '/stream' });
    expect(stream.headers['x-content-type-options']).toBe('nosniff');
    expect(stream.headers['x-frame-options']).toBe('DENY');

    // Errors and unknown routes are answered with the same headers.
    for (const url of ['/fails', '/missing']) {
      const response = await app.inject({ url });
      expect(response.statusCode).toBeGreaterThanOrEqual(400);
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.headers['content-security-policy']).toBeDefined();
    }
  });

  it('sends HSTS with every response when the issuer is https', async () => {
    const https = Fastify();
    onTestFinished(() => https.close());
    await securityHeaders(https, { hsts: true });
    https.get('/page', async (_request, reply) => reply.type('text/html').send('<p>ok</p>'));
    https.get('/data', async () => ({ ok: true }));
    for (const url of ['/page', '/data']) {
      const response = await https.inject({ url });
      expect(response.headers['strict-transport-security']).toBe('max-age=31536000');
    }
  });
});
