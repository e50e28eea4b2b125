import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface ScriptBundle {
  code: string;
  etag: string;
}

/**
 * A page's enhancing script: a TypeScript entry bundled by esbuild into one minified IIFE the
 * first time it is asked for, then served from memory. Built on demand rather than at start-up
 * so that nodes (and the many test apps) that never serve the page never pay the ~50 ms build;
 * esbuild is imported lazily for the same reason.
 */
export function scriptBundle(entry: URL): () => Promise<ScriptBundle> {
  let built: Promise<ScriptBundle> | undefined;
  return () => {
    built ??= bundle(entry).catch((error: unknown) => {
      built = undefined; // a failed build is retried on the next request, not cached
      throw error;
    });
    return built;
  };
}

async function bundle(entry: URL): Promise<ScriptBundle> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [fileURLToPath(entry)],
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2020'],
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.text;
  return { code, etag: `"${createHash('sha256').update(code).digest('base64url').slice(0, 22)}"` };
}

/** Sends a bundle (304 when the browser has it), cacheable for an hour like the stylesheet. */
export async function sendScript(
  request: FastifyRequest,
  reply: FastifyReply,
  load: () => Promise<ScriptBundle>,
): Promise<FastifyReply> {
  const { code, etag } = await load();
  reply.header('etag', etag).header('cache-control', 'public, max-age=3600');
  if (request.headers['if-none-match'] === etag) return reply.code(304).send();
  return reply.type('text/javascript; charset=utf-8').send(code);
}
