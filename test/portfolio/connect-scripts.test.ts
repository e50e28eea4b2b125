import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNECT_SCRIPTS } from '../../src/portfolio/connect/assets/connect-assets.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

/** The budget: each page's JavaScript under 30 KB gzipped. */
const BUDGET_GZIPPED = 30 * 1024;

describe('the Connect widget’s scripts and assets', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it.each(Object.keys(CONNECT_SCRIPTS))(
    '%s is one first-party bundle within the budget, cached by ETag',
    async (name) => {
      const answer = await fetch(`${server.url}/connect/assets/${name}`);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      const code = await answer.text();
      const gzipped = gzipSync(code).length;
      console.log(`connect ${name}: ${code.length} bytes, ${gzipped} gzipped`);
      expect(gzipped).toBeLessThan(BUDGET_GZIPPED);
      expect(code).not.toMatch(/\bimport\s*\(|\bfrom\s*["']/); // bundled: nothing left to load
      const again = await fetch(`${server.url}/connect/assets/${name}`, {
        headers: { 'if-none-match': answer.headers.get('etag')! },
      });
      expect(again.status).toBe(304);
    },
  );

  it('serves the stylesheet and the wallet mark first-party, and 404 for anything else', async () => {
    const css = await fetch(`${server.url}/connect/assets/connect.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await css.text()).toContain('.stepper');
    const mark = await fetch(`${server.url}/connect/assets/wallet.svg`);
    expect(mark.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    expect(mark.headers.get('content-security-policy')).toBe("default-src 'none'");
    expect((await fetch(`${server.url}/connect/assets/nothing.js`)).status).toBe(404);
    expect((await fetch(`${server.url}/connect/assets/constructor`)).status).toBe(404);
  });
});
