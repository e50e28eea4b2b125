import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { signedInAgent } from '../console/support/signed-in.ts';

describe('review #17: each document as a browsable API reference at /docs, linked from /developers', () => {
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ server, smtp, close } = await startServerWithMail());
  });
  afterAll(() => close());

  it('lists every product document at /docs, without signing in, each linked to its reference and raw document', async () => {
    const answer = await fetch(`${server.url}/docs`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-security-policy')).toContain("script-src 'self'");
    const page = await answer.text();
    for (const [path, document] of [
      ['/docs/platform/v1', '/platform/v1/openapi.json'],
      ['/docs/platform/v2', '/platform/v2/openapi.json'],
      ['/docs/api/v2', '/api/v2/openapi.json'],
    ]) {
      expect(page).toContain(`href="${path}"`);
      expect(page).toContain(`href="${document}"`);
    }
  });

  it("serves each reference with first-party Swagger UI assets, its ./json pointing at the product's document", async () => {
    for (const [path, document] of [
      ['/docs/platform/v1', '/platform/v1/openapi.json'],
      ['/docs/platform/v2', '/platform/v2/openapi.json'],
      ['/docs/api/v2', '/api/v2/openapi.json'],
    ]) {
      const page = await fetch(`${server.url}${path}`);
      expect(page.status, path).toBe(200);
      const body = await page.text();
      const sources = [...body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
      expect(sources.length).toBeGreaterThan(3);
      for (const source of sources) {
        expect(source, `${path} loads ${source}`).toMatch(new RegExp(`^${path}/static/`));
        expect((await fetch(`${server.url}${source}`)).status, source).toBe(200);
      }
      const json = await fetch(`${server.url}${path}/json`, { redirect: 'manual' });
      expect(json.status).toBe(302);
      expect(json.headers.get('location')).toBe(document);
    }
  });

  it('links the API reference from /developers', async () => {
    const agent = await signedInAgent(server, smtp, 'docs-reader@example.com');
    const page = await (await agent.get('/developers')).text();
    expect(page).toMatch(/<a href="\/docs">API reference<\/a>/);
  });

  it('lists only the products a node serves', async () => {
    const portfolioOnly = await startTestServer({ env: { PRODUCTS: 'portfolio' } });
    try {
      const page = await (await fetch(`${portfolioOnly.url}/docs`)).text();
      expect(page).toContain('href="/docs/platform/v1"');
      expect(page).not.toContain('/api/v2');
      expect((await fetch(`${portfolioOnly.url}/docs/api/v2`)).status).toBe(404);
    } finally {
      await portfolioOnly.close();
    }
  });
});
