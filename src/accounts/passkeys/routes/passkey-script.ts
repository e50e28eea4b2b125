import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';

/** The page script's source: .ts when running from sources (tsx), .js in a build (dist/). */
const ENTRY = fileURLToPath(
  new URL(`../browser/passkeys-page${extname(fileURLToPath(import.meta.url))}`, import.meta.url),
);

// @simplewebauthn/browser is MIT-licensed; its notice travels with the bundle.
const BANNER = '/*! Includes @simplewebauthn/browser — MIT License, Copyright (c) 2020 Matthew Miller */';

let bundled: Promise<string> | undefined;

/**
 * The script bundled once per process, on first request: esbuild turns the typed source and the
 * parts of @simplewebauthn/browser it uses into one small classic script (about 11 KB, 3.6 KB
 * gzipped; esbuild takes some 15 ms), so the CSP keeps `script-src 'self'` and nothing loads from elsewhere.
 */
function passkeyScript(log: FastifyBaseLogger): Promise<string> {
  bundled ??= (async () => {
    const { build } = await import('esbuild');
    const result = await build({
      entryPoints: [ENTRY],
      bundle: true,
      minify: true,
      format: 'iife',
      platform: 'browser',
      target: ['es2020'],
      banner: { js: BANNER },
      write: false,
      logLevel: 'silent',
    });
    return result.outputFiles[0]!.text;
  })().catch((error: unknown) => {
    // Not cached: the next request tries again.
    bundled = undefined;
    log.error({ err: error }, 'bundling the passkey script failed');
    throw error;
  });
  return bundled;
}

/** GET /assets/passkeys.js: the sign-in and account pages' passkey script, first-party. */
export async function passkeyScriptRoute(app: FastifyInstance): Promise<void> {
  app.get('/assets/passkeys.js', { schema: { hide: true } }, async (request, reply) =>
    reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=3600')
      .send(await passkeyScript(request.log)),
  );
}
