import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCRIPTS } from '../../src/scheduling/pages/assets/asset-routes.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

/** The budget: each page's JavaScript under 30 KB gzipped. */
const BUDGET_GZIPPED = 30 * 1024;

describe('the scheduling pages’ scripts', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it.each(Object.keys(SCRIPTS))('%s is one first-party bundle within the budget, cached by ETag', async (name) => {
    const answer = await fetch(`${server.url}/scheduling/assets/${name}`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const code = await answer.text();
    const gzipped = gzipSync(code).length;
    console.log(`${name}: ${code.length} bytes, ${gzipped} gzipped`);
    expect(gzipped).toBeLessThan(BUDGET_GZIPPED);
    expect(code).not.toMatch(/\bimport\s*\(|\bfrom\s*["']/); // bundled: nothing left to load
    const again = await fetch(`${server.url}/scheduling/assets/${name}`, {
      headers: { 'if-none-match': answer.headers.get('etag')! },
    });
    expect(again.status).toBe(304);
  });

  it('answers 404 for a script that does not exist', async () => {
    expect((await fetch(`${server.url}/scheduling/assets/nothing.js`)).status).toBe(404);
    expect((await fetch(`${server.url}/scheduling/assets/constructor`)).status).toBe(404);
  });
});
