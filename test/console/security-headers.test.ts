import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
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

    // Errors and unknown routes are answered with the same headers.
    for (const url of ['/fails', '/missing']) {
      const response = await app.inject({ url });
      expect(response.statusCode).toBeGreaterThanOrEqual(400);
      expect(response.headers['x-frame-options']).toBe('DENY');
    }
  });
});
